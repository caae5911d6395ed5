"""Journeys through the real app in Debian's Chromium, as a therapist and a patient would take them.

Each journey saves numbered screenshots to <artifacts>/<test name>/ (see conftest.artifacts_dir).
Later features extend journey 3 at the marked extension points.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.flows import Rating, scores

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
CLIPBOARD = ["clipboard-read", "clipboard-write"]
TODAY = date.today()


def therapist_starts(browsing, server) -> tuple[Page, str, str]:
    """A therapist on a desktop registers, opens a partnership and copies the invite link.

    Returns the therapist's page, the partnership page URL and the invite link.
    """
    page = browsing.new_page("desktop", server.url, permissions=CLIPBOARD)
    flows.register_therapist(page, "Dr Tara Okafor", server.email("tara"), PASSWORD)
    browsing.shot(page, "therapist-dashboard-empty")
    partnership_url = flows.open_partnership(page, "Sam", TODAY - timedelta(days=28))
    invite = flows.copy_invite_link(page)
    assert "/join/" in invite
    browsing.shot(page, "therapist-invite-link")
    return page, partnership_url, invite


def test_therapist_registers_invites_rates_and_exports(browsing, server):
    """Journey 1: register, open a partnership, copy the link, rate, see the table, download the CSV."""
    page, partnership_url, invite = therapist_starts(browsing, server)
    mine = Rating(TODAY, scores(7, 6, 8, 5, 4, 2), "Sam, we rushed the ending; next time, more room.", "therapist")

    flows.start_rating(page, mine.day)
    flows.fill_rating_by_labels(page, mine)
    browsing.shot(page, "therapist-form-filled")
    flows.save_rating(page)

    assert page.url == partnership_url
    expect(flows.session_card(page, 1)).to_contain_text("Waiting for Sam to rate.")
    flows.expect_side_by_side(page, 1, {"You": flows.shown_as(mine)})
    assert flows.comments(page, 1) == [f"You: {mine.comment}"]
    browsing.shot(page, "therapist-side-by-side")
    assert flows.download_csv(page) == flows.expected_csv([mine])
    assert browsing.console_errors(page) == []


def patient_joins(browsing, server, invite: str) -> Page:
    """The patient opens the invite on a phone and creates an account."""
    phone = browsing.new_page("phone", server.url)
    flows.join_with_new_account(phone, invite, "Sam Rivera", server.email("sam"), PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("With Dr Tara Okafor")
    return phone


def test_patient_joins_on_a_phone_and_rates_by_touch_then_keyboard(browsing, server):
    """Journey 2: join by the link, rate by touch, then a second session by keyboard alone."""
    desk, partnership_url, invite = therapist_starts(browsing, server)
    phone = patient_joins(browsing, server, invite)
    browsing.shot(phone, "patient-joined")

    by_touch = Rating(TODAY, scores(6, 5, 7, 4, None, 1), "Felt heard today.", "patient")
    phone.get_by_role("link", name="Rate a session").tap()
    flows.form_ready(phone)
    flows.fill_rating_by_touch(phone, by_touch)
    browsing.shot(phone, "patient-form-touch")
    flows.save_rating(phone, tap=True)
    expect(flows.session_card(phone, 1)).to_contain_text("Waiting for your therapist to rate.")
    flows.expect_side_by_side(phone, 1, {"You": flows.shown_as(by_touch)}, viewer="patient")
    browsing.shot(phone, "patient-waiting")

    # An earlier session, keyboard only: it becomes session 1, today's becomes session 2.
    by_keys = Rating(TODAY - timedelta(days=5), scores(3, 0, 9, 10, 5, 2), "Hard week; glad we talked.", "patient")
    flows.tab_to(phone, phone.get_by_role("link", name="Rate a session"))
    phone.keyboard.press("Enter")
    flows.form_ready(phone)
    flows.fill_rating_by_keyboard(phone, by_keys)
    for number in (1, 2):
        expect(flows.session_card(phone, number)).to_contain_text("Waiting for your therapist to rate.")
    flows.expect_side_by_side(phone, 1, {"You": flows.shown_as(by_keys)}, viewer="patient")
    flows.expect_side_by_side(phone, 2, {"You": flows.shown_as(by_touch)}, viewer="patient")

    # The therapist has seen none of it yet, then rates today's session.
    desk.goto(partnership_url)
    expect(flows.session_card(desk, 2)).to_contain_text("Sam has rated; their answers appear once you have rated too.")
    assert flows.side_by_side(desk, 2) == {} and flows.comments(desk, 2) == []
    theirs = Rating(TODAY, scores(8, 7, 7, 6, 9, 3), "Good repair after last week.", "therapist")
    flows.rate_session(desk, theirs)

    phone.reload()
    expect(flows.session_card(phone, 2)).to_contain_text("Both ratings are shown.")
    flows.expect_side_by_side(
        phone, 2, {"You": flows.shown_as(by_touch), "Your therapist": flows.shown_as(theirs)}, viewer="patient"
    )
    assert flows.comments(phone, 2) == [f"You: {by_touch.comment}", f"Your therapist: {theirs.comment}"]
    expect(flows.session_card(phone, 1)).to_contain_text("Waiting for your therapist to rate.")
    browsing.shot(phone, "patient-side-by-side")
    assert browsing.console_errors(phone) == [] and browsing.console_errors(desk) == []


def both_rate(days_ago: int, patient: tuple, patient_comment: str, therapist: tuple, therapist_comment: str):
    """The two ratings of the session ``days_ago`` days before today."""
    day = TODAY - timedelta(days=days_ago)
    return Rating(day, scores(*patient), patient_comment, "patient"), Rating(
        day, scores(*therapist), therapist_comment, "therapist"
    )


# All within REVEAL_AFTER_DAYS (7) of today, so each stays hidden until both have rated.
SESSIONS = [
    both_rate(6, (5, 4, 6, 3, 2, 0), "I wasn't sure what we were doing.", (7, 6, 6, 5, None, 1), "Goals still vague."),
    both_rate(3, (7, 7, 8, 6, None, 2), "", (7, 8, 7, 7, 8, 2), 'Agreed two goals, "sleep" and work.'),
    both_rate(0, (9, 8, 9, 8, 10, 4), "Much better, thank you", (8, 8, 9, 8, 9, 5), ""),
]


def test_both_rate_three_sessions_and_see_the_same_record(browsing, server):
    """Journey 3: three sessions rated by both, shown side by side, exported."""
    desk, partnership_url, invite = therapist_starts(browsing, server)
    phone = patient_joins(browsing, server, invite)
    typed: list[Rating] = []
    for number, (patient, therapist) in enumerate(SESSIONS, start=1):
        phone.get_by_role("link", name="Rate a session").tap()
        flows.form_ready(phone)
        phone.get_by_label("Session date").fill(patient.day.isoformat())
        flows.fill_rating_by_touch(phone, patient)
        flows.save_rating(phone, tap=True)
        expect(flows.session_card(phone, number)).to_contain_text("Waiting for your therapist to rate.")
        desk.goto(partnership_url)
        flows.rate_session(desk, therapist)
        typed += [patient, therapist]

    phone.reload()
    for page, me, partner in ((phone, "patient", "Your therapist"), (desk, "therapist", "Sam")):
        for number, (patient, therapist) in enumerate(SESSIONS, start=1):
            own, other = (patient, therapist) if me == "patient" else (therapist, patient)
            flows.expect_side_by_side(
                page, number, {"You": flows.shown_as(own), partner: flows.shown_as(other)}, viewer=me
            )
            said = [f"{'You' if r is own else partner}: {r.comment}" for r in (patient, therapist) if r.comment]
            assert flows.comments(page, number) == said
        assert flows.download_csv(page) == flows.expected_csv(typed)
        see_charts_of(page, SESSIONS, me)
    browsing.shot(phone, "patient-three-sessions")
    browsing.shot(desk, "therapist-three-sessions")
    # Extension point (ending review issue): either party opens the review, both write their
    # notes and agree, and the partnership shows as ended on both dashboards.
    assert browsing.console_errors(phone) == [] and browsing.console_errors(desk) == []


# The alliance chart's title as each viewer reads it: the patient's names no index (docs/clinical.md, "Words").
ALLIANCE_TITLE = {"patient": "How the sessions felt overall", "therapist": "Alliance index"}


def see_charts_of(page: Page, sessions, viewer: str) -> None:
    """Each chart's picture loads and has its text: alt, a summary sentence and the data as a table.

    The alliance chart's table must hold both parties' alliance index of each session as typed.
    """
    charts = flows.charts(page)
    title = ALLIANCE_TITLE[viewer]
    assert title in charts, list(charts)
    for chart in charts.values():
        assert chart.image_loaded and chart.alt and chart.summary, chart
    alliance = [row[:3] for row in charts[title].rows]
    assert alliance == [
        [str(n), f"{p.alliance_index():.1f}", f"{t.alliance_index():.1f}"] for n, (p, t) in enumerate(sessions, start=1)
    ]
