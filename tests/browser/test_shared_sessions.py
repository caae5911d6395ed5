"""One session, two ratings, in the browser: the split case both ways, the "Did you mean" question, the merge.

Each party rates as a person would: "Rate a session" from the partnership page, the date the
form shows kept as it is. The server runs on today's real date, so "Monday's session, rated
by the other party on Tuesday" is yesterday's session rated today.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import artifacts_dir
from tests.browser.test_accessibility import axe_results
from tests.browser.test_html_validity import vnu_errors
from tests.factories import flat, seed_pair, store_ratings

pytestmark = pytest.mark.browser

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
NAMES = {"patient": "Your therapist", "therapist": "Sam"}  # the partner, as each party reads it
HINTS = {"patient": "Session 1, that your therapist rated.", "therapist": "Session 1, that Sam rated."}


def logged_in(browsing, server, size: str, email: str, password: str) -> Page:
    """A new browser context of ``size``, logged in."""
    page = browsing.new_page(size, server.url)
    flows.log_in(page, email, password)
    return page


def open_partnership_page(page: Page, partnership_id: int) -> None:
    """Go to the partnership page."""
    page.goto(f"/partnerships/{partnership_id}/")
    expect(page.get_by_role("link", name="Rate a session")).to_be_visible()


def no_axe_violations(page: Page) -> None:
    """axe-core's WCAG A and AA rules find nothing on the page as it is now."""
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("first", ["patient", "therapist"])
def test_the_second_party_keeps_the_default_and_rates_the_same_session(browsing, server, first):
    """One party rates yesterday's session; the other opens "Rate a session" today and keeps the date shown."""
    pair = seed_pair(server.app, server.email)
    second = "therapist" if first == "patient" else "patient"
    pages = {
        "patient": logged_in(browsing, server, "phone", pair.patient_email, pair.password),
        "therapist": logged_in(browsing, server, "desktop", pair.therapist_email, pair.password),
    }
    ratings = {
        first: flows.Rating(YESTERDAY, flows.scores(6, 5, 7, 6, None, 2), f"{first} on the day", first),
        second: flows.Rating(YESTERDAY, flows.scores(8, 7, 8, 7, 6, 3), f"{second} a day later", second),
    }
    open_partnership_page(pages[first], pair.partnership_id)
    flows.rate_session(pages[first], ratings[first])

    later = pages[second]
    open_partnership_page(later, pair.partnership_id)
    expect(later.get_by_role("heading", name="Waiting for your rating")).to_be_visible()
    flows.start_rating(later)  # the date is left as the form shows it
    expect(later.get_by_label("Session date")).to_have_value(YESTERDAY.isoformat())
    expect(later.locator("#session_date-hint")).to_have_text(HINTS[second])
    flows.fill_rating_by_labels(later, ratings[second])
    browsing.shot(later, f"{second}-rates-the-waiting-session")
    flows.save_rating(later)

    for role, page in pages.items():
        page.goto(f"/partnerships/{pair.partnership_id}/")
        expect(page.locator("article.session")).to_have_count(1)
        expect(flows.session_card(page, 1)).to_contain_text("Both ratings are shown.")
        other = "therapist" if role == "patient" else "patient"
        flows.expect_side_by_side(
            page, 1, {"You": flows.shown_as(ratings[role]), NAMES[role]: flows.shown_as(ratings[other])}, viewer=role
        )
        expect(page.get_by_role("heading", name="Waiting for your rating")).to_have_count(0)
        assert flows.download_csv(page) == flows.expected_csv(list(ratings.values()))
        assert browsing.console_errors(page) == []


def test_a_date_next_to_a_waiting_session_asks_did_you_mean(browsing, server):
    """The therapist types today's date although the patient rated yesterday: asked first, answers kept."""
    pair = seed_pair(server.app, server.email)
    store_ratings(server.app, pair.partnership_id, [(YESTERDAY, "patient", flat(6))])
    desk = logged_in(browsing, server, "desktop", pair.therapist_email, pair.password)
    open_partnership_page(desk, pair.partnership_id)
    mine = flows.Rating(TODAY, flows.scores(7, 7, 8, 6, 5, 2), "Typed before the question.", "therapist")
    flows.start_rating(desk, TODAY)
    flows.fill_rating_by_labels(desk, mine)
    desk.get_by_role("button", name="Save my rating").click()

    question = desk.get_by_role("heading", name=f"Did you mean the session of {YESTERDAY:%d %b} that Sam rated?")
    expect(question).to_be_visible()
    expect(desk.locator("#did-you-mean")).to_be_focused()
    expect(desk.get_by_label("Comment")).to_have_value(mine.comment)
    no_axe_violations(desk)
    saved = artifacts_dir() / "html" / "rate-did-you-mean.html"
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(desk.content(), encoding="utf-8")
    assert vnu_errors([saved]) == {}
    browsing.shot(desk, "did-you-mean")

    desk.get_by_role("button", name=f"Yes, the session of {YESTERDAY:%d %b}").click()
    flows.flash(desk, "Your rating was saved.")
    expect(desk.locator("article.session")).to_have_count(1)
    expect(flows.session_card(desk, 1)).to_contain_text("Both ratings are shown.")
    assert browsing.console_errors(desk) == []


def test_the_therapist_merges_a_split_pair_and_the_patient_sees_it(browsing, server):
    """Two one-sided sessions stored before sessions were shared: the therapist confirms, both see one session."""
    pair = seed_pair(server.app, server.email)
    monday, tuesday = TODAY - timedelta(days=3), TODAY - timedelta(days=2)
    store_ratings(server.app, pair.partnership_id, [(monday, "patient", flat(5, comment="Monday, by me"))])
    store_ratings(server.app, pair.partnership_id, [(tuesday, "therapist", flat(8, comment="Tuesday, by me"))])
    desk = logged_in(browsing, server, "desktop", pair.therapist_email, pair.password)
    open_partnership_page(desk, pair.partnership_id)
    desk.get_by_role("link", name="Check the pairs and merge the ones that were one meeting").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Sessions that may be one meeting")
    no_axe_violations(desk)
    saved = artifacts_dir() / "html" / "sessions-split-with-a-pair.html"
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(desk.content(), encoding="utf-8")
    assert vnu_errors([saved]) == {}
    browsing.shot(desk, "split-pair")
    desk.get_by_role("button", name=f"Merge into the session of {monday:%d %b}").click()
    flows.flash(desk, "Merged: both ratings now belong to the session of")
    expect(desk.locator("article.session")).to_have_count(1)
    assert flows.comments(desk, 1) == ["Sam: Monday, by me", "You: Tuesday, by me"]

    phone = logged_in(browsing, server, "phone", pair.patient_email, pair.password)
    open_partnership_page(phone, pair.partnership_id)
    expect(flows.session_card(phone, 1)).to_contain_text("Both ratings are shown.")
    assert flows.comments(phone, 1) == ["You: Monday, by me", "Your therapist: Tuesday, by me"]
    phone.goto("/account/activity")
    expect(phone.get_by_role("cell", name="merged two sessions that were one meeting")).to_be_visible()
    browsing.shot(phone, "patient-activity-merge")
    assert browsing.console_errors(phone) == [] and browsing.console_errors(desk) == []
