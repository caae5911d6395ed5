"""Journey: a clinic with an admin, two supervisors and twenty therapists, end to end in Chromium.

The clinic is built with the factories (tests/factories.seed_clinic); every step a person takes
is driven in the browser: the admin invites a solo therapist who joins with their partnership,
a client allows supervisors to see their ratings, both supervisors look, the admin moves a
partnership and downloads the de-identified export, and each person sees what they should.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.factories import seed_clinic

pytestmark = pytest.mark.browser


def person(browsing, server, size: str, email: str, password: str) -> Page:
    """A new browser context at ``size``, logged in as ``email``."""
    page = browsing.new_page(size, server.url)
    flows.log_in(page, email, password)
    return page


def open_clinic(page: Page) -> None:
    """Follow the main menu's "Clinic" link."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinic").click()


def therapist_rows(page: Page):
    """The rows of the clinic page's therapist table."""
    return page.get_by_role("region", name="Therapists").locator("tbody tr")


def admin_invites(page: Page) -> str:
    """On the members page: make a therapist invite; the link shown."""
    page.get_by_role("link", name="Members and invites").click()
    page.get_by_label("Role", exact=True).select_option(label="Therapist")
    page.get_by_role("button", name="Make invite link").click()
    link = page.get_by_role("status").get_by_role("link")
    expect(link).to_contain_text("/clinic/join/")
    return link.get_attribute("href")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_clinic_of_twenty_therapists_end_to_end(browsing, server, size):
    """Admin, two supervisors, twenty therapists and their clients; a solo therapist joins."""
    clinic = seed_clinic(server.app, server.email, therapists=20, supervisors=2)
    pw = clinic.password

    admin = person(browsing, server, size, clinic.admin_email, pw)
    open_clinic(admin)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Northside Clinic")
    expect(therapist_rows(admin)).to_have_count(20)
    browsing.shot(admin, "admin-clinic")
    invite = admin_invites(admin)

    solo = person(browsing, server, size, clinic.solo_email, pw)
    solo.goto(invite)
    solo.get_by_role("button", name="Join Northside Clinic").click()
    expect(solo.get_by_role("heading", level=1)).to_have_text("Your supervision figures")
    expect(solo.get_by_role("heading", name="Attunement: for supervision, not a score")).to_be_visible()
    browsing.shot(solo, "therapist-own-figures")

    client = person(browsing, server, size, clinic.patient_emails[0], pw)
    client.goto("/account/")
    client.get_by_label("Let my therapist's clinic supervisors see my ratings with my name").check()
    client.get_by_role("button", name="Save my choice").click()
    expect(client.get_by_text("may now see your ratings with your name")).to_be_visible()

    first = person(browsing, server, size, clinic.supervisor_emails[0], pw)
    open_clinic(first)
    expect(therapist_rows(first)).to_have_count(21)  # the solo therapist joined
    first.get_by_role("link", name="Dr Therapist 01").click()
    first.get_by_role("link", name="See ratings").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("Client 01")
    browsing.shot(first, "supervisor-identified-ratings")

    second = person(browsing, server, size, clinic.supervisor_emails[1], pw)
    open_clinic(second)
    second.get_by_role("link", name="Dr Therapist 02").click()
    expect(second.get_by_text("figures only")).to_be_visible()
    expect(second.get_by_role("link", name="See ratings")).to_have_count(0)
    assert "Client 02" not in second.content()

    admin.goto("/clinic/transfers")
    admin.get_by_label("Partnership", exact=True).select_option(label="Client 01 (with Dr Therapist 01)")
    admin.get_by_label("Move to therapist", exact=True).select_option(label="Dr Therapist 02")
    admin.get_by_role("button", name="Move partnership").click()
    expect(admin.get_by_text("The partnership was moved.")).to_be_visible()

    moved = f"/partnerships/{clinic.partnership_ids[0]}/"
    former = person(browsing, server, size, clinic.therapist_emails[0], pw)
    assert former.goto(moved).status == 404
    new = person(browsing, server, size, clinic.therapist_emails[1], pw)
    assert new.goto(moved).status == 200

    client.goto("/account/activity")
    expect(client.get_by_text("viewed the ratings as a clinic supervisor").first).to_be_visible()
    expect(client.get_by_text("moved the partnership to another therapist").first).to_be_visible()
    browsing.shot(client, "client-activity")

    admin.goto("/clinic/")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="De-identified export (CSV)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len({r["partnership"] for r in rows}) == 21 and len({r["therapist"] for r in rows}) == 20
    assert "Client" not in body and "Therapist" not in body and "@" not in body
    for page in (admin, solo, client, first, second, new):  # the former therapist's 404 logs one
        assert browsing.console_errors(page) == []
