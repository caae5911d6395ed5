"""Journey 4: working together, from the first shared goal to ending by mutual agreement.

A therapist on a desktop and a patient on a phone, both signed in at once in two browser
contexts: a shared goal set by one and reworded by the other, goal progress rated with a
session and charted, a concern raised and repaired in the rupture log, and the ending
review written, agreed and downloaded as a PDF. Screenshots go to <artifacts>/<test name>/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.flows import Rating, scores

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
CLIPBOARD = ["clipboard-read", "clipboard-write"]
TODAY = date.today()

GOAL = "Sleep through the night"
GOAL_REWORDED = "Sleep six hours on most nights"
CONCERN = "Something felt off when we talked about my sister."
DISCUSSED_NOTE = "We talked it through at the start of the next session."
NOTES = {
    "therapist": ("Jo sleeps better and speaks up.", "Work stress is still unexplored."),
    "patient": ("I can say when something is off.", "My sister, for another time."),
}


def partners(browsing, server) -> tuple[Page, Page, str]:
    """Therapist registers and invites; the patient joins on a phone. Returns desk, phone, partnership URL."""
    desk = browsing.new_page("desktop", server.url, permissions=CLIPBOARD)
    flows.register_therapist(desk, "Dr Ada Mensah", server.email("ada"), PASSWORD)
    partnership_url = flows.open_partnership(desk, "Jo", TODAY - timedelta(days=21))
    invite = flows.copy_invite_link(desk)
    phone = browsing.new_page("phone", server.url)
    flows.join_with_new_account(phone, invite, "Jo Park", server.email("jo"), PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("With Dr Ada Mensah")
    assert phone.url == partnership_url
    return desk, phone, partnership_url


def set_and_reword_goal(browsing, desk: Page, phone: Page, partnership_url: str) -> None:
    """The patient sets a goal; the therapist rewords it; both read the same history."""
    phone.get_by_role("link", name="Shared goals").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Shared goals")
    flows.add_goal(phone, GOAL)
    assert flows.goal_history(phone, GOAL) == [f"{TODAY:%d %b %Y}: You set the goal “{GOAL}”."]

    desk.goto(partnership_url)
    desk.get_by_role("link", name="Shared goals").click()
    expect(flows.goal_card(desk, GOAL)).to_contain_text("Set by Jo")
    flows.reword_goal(desk, GOAL, GOAL_REWORDED)
    expect(desk.locator("article.goal")).to_have_count(1)
    day = f"{TODAY:%d %b %Y}"
    assert flows.goal_history(desk, GOAL_REWORDED) == [
        f"{day}: Jo set the goal “{GOAL}”.",
        f"{day}: You reworded it from “{GOAL}” to “{GOAL_REWORDED}”.",
    ]
    browsing.shot(desk, "therapist-goal-history")

    phone.reload()
    assert flows.goal_history(phone, GOAL_REWORDED) == [
        f"{day}: You set the goal “{GOAL}”.",
        f"{day}: Your therapist reworded it from “{GOAL}” to “{GOAL_REWORDED}”.",
    ]
    browsing.shot(phone, "patient-goal-history")


def rate_with_progress(page: Page, rating: Rating, progress: int) -> None:
    """Rate by labels, with the goal's progress input (labelled by number, described by the goal)."""
    flows.start_rating(page, rating.day)
    expect(page.get_by_role("group", name=re.compile("Progress toward your shared goals"))).to_be_visible()
    box = page.get_by_label("Progress on goal 1", exact=True)
    expect(page.locator(f"#{box.get_attribute('id')}-goal")).to_have_text(GOAL_REWORDED)
    flows.fill_rating_by_labels(page, rating)
    box.fill(str(progress))
    flows.save_rating(page)


def both_rate_and_chart(browsing, desk: Page, phone: Page, partnership_url: str) -> None:
    """Both rate today's session with goal progress; the goal chart loads and tabulates it."""
    phone.goto(partnership_url)
    rate_with_progress(phone, Rating(TODAY, scores(6, 6, 7, 5, None, 3), "Good to set a goal.", "patient"), 4)
    desk.goto(partnership_url)
    rate_with_progress(desk, Rating(TODAY, scores(7, 7, 7, 6, 8, 3), "", "therapist"), 6)
    phone.reload()
    for page in (desk, phone):
        expect(flows.session_card(page, 1)).to_contain_text("Both ratings are shown.")
        flows.show_chart(page, "Goals")
        goals = flows.charts(page)["Progress on shared goals"]
        assert goals.image_loaded and goals.alt and GOAL_REWORDED in goals.summary, goals
        assert goals.rows == [["1", "4", "6"]], goals.rows  # session, patient's progress, therapist's
    browsing.shot(phone, "patient-goal-chart")


def concern_to_repair(browsing, desk: Page, phone: Page, partnership_url: str) -> None:
    """The patient raises a concern; the therapist sees it at once, talks it through, proposes it repaired,
    and it is repaired when the patient agrees (the patient has the last word on their own concern)."""
    phone.goto(partnership_url)
    flows.raise_concern(phone, CONCERN)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Concern raised by you, session 1")

    desk.goto("/")
    concerns = desk.locator("td.concerns-cell")
    expect(concerns).to_contain_text("Jo:")
    browsing.shot(desk, "therapist-dashboard-concern")
    concerns.get_by_role("link", name=CONCERN).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Concern raised by Jo, session 1")
    expect(desk.locator("p").filter(has_text=CONCERN)).to_be_visible()
    flows.change_entry_status(desk, "Discussed", DISCUSSED_NOTE)
    expect(desk.get_by_label(re.compile("^Repaired:"))).to_have_count(0)  # not the therapist's to decide alone
    desk.get_by_role("button", name="Propose as repaired").click()
    flows.flash(desk, "Proposed as repaired. It is marked repaired when your client agrees.")

    phone.reload()
    expect(phone.get_by_role("heading", name="Is it repaired?")).to_be_visible()
    browsing.shot(phone, "patient-asked-if-repaired")
    phone.get_by_role("button", name="Yes, it is repaired").click()
    flows.flash(phone, "Marked repaired.")
    expect(phone.locator(".badge").first).to_have_text("Repaired")
    notes = [" ".join(n.split()) for n in phone.locator("li.note").all_inner_texts()]
    assert len(notes) == 3, notes
    assert notes[0].startswith("Your therapist,") and "marked it discussed (was open):" in notes[0]
    assert notes[0].endswith(DISCUSSED_NOTE), notes
    assert notes[1].startswith("Your therapist,") and "proposed marking it repaired" in notes[1], notes
    assert notes[2].startswith("You,") and "marked it repaired (was discussed)" in notes[2], notes
    expect(phone.locator("p.repair")).to_contain_text("Marked repaired on")
    browsing.shot(phone, "patient-concern-repaired")

    desk.goto("/")
    expect(desk.locator("td.concerns-cell")).to_have_text("Open concerns: none")  # repaired: no attention


def end_together(browsing, desk: Page, phone: Page, partnership_url: str) -> None:
    """The therapist opens the ending review; each writes notes and agrees; the partnership ends."""
    desk.goto(partnership_url)
    desk.get_by_role("link", name="Ending review").click()
    desk.get_by_role("button", name="Open the ending review").click()
    flows.flash(desk, "The ending review is open.")
    flows.write_review_notes(desk, *NOTES["therapist"])
    desk.get_by_role("button", name="I agree to end").click()
    flows.flash(desk, "You have agreed to end.")

    phone.goto(partnership_url)
    expect(phone.locator(".now")).to_contain_text("The ending review is open.")
    phone.get_by_role("link", name="Ending review").tap()
    expect(phone.locator("#partner-notes")).to_contain_text("agreed to end on")
    flows.write_review_notes(phone, *NOTES["patient"])
    phone.get_by_role("button", name="I agree to end").tap()
    flows.flash(phone, "You have both agreed: the partnership has ended.")
    browsing.shot(phone, "patient-review-ended")

    for page in (desk, phone):
        page.goto(partnership_url)
        expect(page.locator(".badge").first).to_have_text("Ended")
        expect(page.get_by_role("link", name="Rate a session")).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile("^Rate session"))).to_have_count(0)
    desk.goto("/")
    expect(desk.get_by_role("link", name="Rate a session")).to_have_count(0)
    phone.goto("/")
    expect(phone.get_by_role("link", name="Rate your last session")).to_have_count(0)
    browsing.shot(desk, "therapist-dashboard-ended")


def test_goal_concern_and_ending_review_together(browsing, server):
    """Journey 4: goals, goal progress, a repaired concern and an agreed ending, seen by both."""
    desk, phone, partnership_url = partners(browsing, server)
    set_and_reword_goal(browsing, desk, phone, partnership_url)
    both_rate_and_chart(browsing, desk, phone, partnership_url)
    concern_to_repair(browsing, desk, phone, partnership_url)
    end_together(browsing, desk, phone, partnership_url)

    desk.goto(partnership_url)
    desk.get_by_role("link", name="Ending review").click()
    expect(desk.locator("#partner-notes")).to_contain_text(NOTES["patient"][0])
    browsing.shot(desk, "therapist-review-ended")
    text = " ".join(flows.download_review_pdf_text(desk).split())
    for progress, undone in NOTES.values():
        assert progress in text and undone in text, text[-1500:]
    assert browsing.console_errors(phone) == [] and browsing.console_errors(desk) == []
