"""The main pages, each as who visits it and how: the list the page checks walk through.

axe-core, the Nu Html Checker, the label check and the focus check all visit these pages.
A later feature adds its pages to MAIN_PAGES (a name, who visits, the path) and every
check covers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.factories import Site

# The clinic's ids for its pages' paths, filled by the clinic_site fixture (conftest.py).
CLINIC: dict[str, int] = {}

# Sent as the rating form's bad input: two out-of-range scores, the rest fine.
BAD_SCORES = {"mutuality": "11", "feedback": "7.5"}


@dataclass(frozen=True)
class MainPage:
    """A page worth checking: ``who`` visits ``path``; ``bad_rating`` sends the form with bad scores."""

    name: str
    who: str  # "anonymous", "therapist", "patient", or a clinic role (conftest._email_of)
    path: Callable[[Site], str]
    status: int = 200
    bad_rating: bool = False


MAIN_PAGES = [
    MainPage("login", "anonymous", lambda s: "/login"),
    MainPage("register", "anonymous", lambda s: "/register"),
    MainPage("join", "anonymous", lambda s: f"/join/{s.invite_token}"),
    MainPage("join-invalid", "anonymous", lambda s: "/join/no-such-invite-token", status=404),
    MainPage("dashboard-therapist", "therapist", lambda s: "/"),
    MainPage("dashboard-patient", "patient", lambda s: "/"),
    MainPage("new-partnership", "therapist", lambda s: "/partnerships/new"),
    MainPage("partnership-therapist", "therapist", lambda s: f"/partnerships/{s.partnership_id}/"),
    MainPage("partnership-patient", "patient", lambda s: f"/partnerships/{s.partnership_id}/"),
    MainPage("partnership-invited", "therapist", lambda s: f"/partnerships/{s.invited_id}/"),
    MainPage("rate-patient", "patient", lambda s: f"/partnerships/{s.partnership_id}/rate"),
    MainPage("rate-therapist", "therapist", lambda s: f"/partnerships/{s.partnership_id}/rate"),
    MainPage("rate-errors", "patient", lambda s: f"/partnerships/{s.partnership_id}/rate", status=422, bad_rating=True),
    MainPage("sessions-therapist", "therapist", lambda s: f"/partnerships/{s.partnership_id}/sessions/"),
    MainPage("sessions-patient", "patient", lambda s: f"/partnerships/{s.partnership_id}/sessions/"),
    MainPage("sessions-split", "therapist", lambda s: f"/partnerships/{s.partnership_id}/sessions/split"),
    MainPage("not-found", "therapist", lambda s: "/partnerships/999999/", status=404),
    # Working together: goals, the rupture log, the ending review; and the account pages.
    MainPage("goals", "patient", lambda s: f"/partnerships/{s.partnership_id}/goals/"),
    MainPage("ruptures", "therapist", lambda s: f"/partnerships/{s.partnership_id}/ruptures/"),
    MainPage("rupture-entry", "therapist", lambda s: f"/partnerships/{s.partnership_id}/ruptures/{s.concern_id}"),
    MainPage("raise-concern", "patient", lambda s: f"/partnerships/{s.partnership_id}/ruptures/new"),
    MainPage("review", "therapist", lambda s: f"/partnerships/{s.partnership_id}/review/"),
    # The glance: the caseload filtered and searched, every chart at once, the progress report.
    MainPage("dashboard-attention", "therapist", lambda s: "/?show=attention&sort=name&q=a"),
    MainPage("partnership-all-charts", "therapist", lambda s: f"/partnerships/{s.partnership_id}/?chart=all"),
    MainPage("progress", "patient", lambda s: f"/partnerships/{s.partnership_id}/progress/"),
    MainPage("account", "patient", lambda s: "/account/"),
    MainPage("account-password", "therapist", lambda s: "/account/password"),
    MainPage("account-delete", "patient", lambda s: "/account/delete"),
    MainPage("account-activity", "therapist", lambda s: "/account/activity"),
    # Two-factor sign-in's settings; its recovery codes and code step are checked in its journey.
    MainPage("account-two-factor", "therapist", lambda s: "/account/two-factor/"),
    MainPage("two-factor-setup", "patient", lambda s: "/account/two-factor/setup"),
    # Reaching people: password reset, email choices, and mailed links that cannot be used.
    MainPage("reset-request", "anonymous", lambda s: "/reset-password"),
    MainPage("reset-invalid", "anonymous", lambda s: "/reset-password/no-such-reset-token", status=404),
    MainPage("signup-invalid", "anonymous", lambda s: "/register/finish/no-such-signup-token", status=404),
    MainPage("form-link-invalid", "anonymous", lambda s: "/form/no-such-form-token", status=404),
    MainPage("unsubscribe-invalid", "anonymous", lambda s: "/unsubscribe/no-such-token", status=404),
    MainPage("account-emails-therapist", "therapist", lambda s: "/account/notifications"),
    MainPage("account-emails-patient", "patient", lambda s: "/account/notifications"),
    # The clinic: the supervisor's views, the admin's pages, a therapist's own figures.
    MainPage("clinic-admin", "clinic_admin", lambda s: "/clinic/"),
    MainPage("clinic-members", "clinic_admin", lambda s: "/clinic/members"),
    MainPage("clinic-transfers", "clinic_admin", lambda s: "/clinic/transfers"),
    MainPage("clinic-supervisor", "supervisor", lambda s: "/clinic/"),
    MainPage("clinic-therapist", "supervisor", lambda s: f"/clinic/therapists/{CLINIC['member']}"),
    MainPage("clinic-identified", "supervisor", lambda s: f"/clinic/partnerships/{CLINIC['partnership']}"),
    MainPage("clinic-mine", "clinic_therapist", lambda s: "/clinic/me"),
    MainPage("clinic-join-invalid", "therapist", lambda s: "/clinic/join/no-such-invite-token", status=404),
]
PAGES_BY_NAME = {p.name: p for p in MAIN_PAGES}


def visit(context: BrowserContext, site: Site, main_page: MainPage) -> tuple[Page, str]:
    """Open ``main_page`` in a new tab of ``context``; returns the tab and the HTML the server sent."""
    page = context.new_page()
    response = page.goto(main_page.path(site))
    if main_page.bad_rating:
        for key, value in BAD_SCORES.items():
            page.get_by_label(flows.FACTOR_NAMES[key], exact=True).fill(value)
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button", name="Save my rating").click()
        response = sent.value
        expect(page.get_by_role("heading", name="Please check these answers")).to_be_visible()
    assert response.status == main_page.status, f"{main_page.name}: HTTP {response.status}"
    page.wait_for_load_state("load")
    return page, response.text()


def open_all_details(page: Page) -> None:
    """Open every <details> (the charts' data tables), so checks see what a reader can open."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
