"""Journey: reaching people by mail, in a real browser against a real SMTP server.

The therapist (desktop) opens a partnership with the patient's email; the invite arrives
and the patient joins on a phone. After a session the therapist rates it; the form link
arrives at the test SMTP server; a phone that is not logged in opens it, fills in that one
form and saves it; logged in, both see both ratings. Then "Forgot your password?" end to
end. axe-core and the Nu Html Checker check the pages only a mailed link reaches.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import artifacts_dir, mailing_server
from tests.browser.flows import Rating, scores
from tests.browser.test_accessibility import axe_results
from tests.browser.test_html_validity import vnu_errors
from tests.helpers import link_in
from tests.mailserver import MailServer

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
NEW_PASSWORD = "another long passphrase"
TODAY = date.today()
SESSION = TODAY - timedelta(days=1)


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory, smtp):
    """gunicorn (with its mail worker) on a database of its own, sending mail to ``smtp``."""
    server = mailing_server(tmp_path_factory, smtp, "mail")
    yield server
    server.stop()


def mail_to(smtp: MailServer, address: str, subject: str):
    """The newest mail to ``address`` with ``subject``, once it has arrived."""
    for count in range(1, 100):
        smtp.wait_for(count)
        found = [m for m in smtp.to(address) if m["Subject"] == subject]
        if found:
            return found[-1]
    raise AssertionError(f"no mail {subject!r} to {address}")


def checked(page: Page, name: str, saved: list) -> None:
    """axe-core finds nothing on ``page``; its HTML is kept for the Nu Html Checker."""
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    saved.append((name, page.content()))


def test_mail_journey_from_invite_to_both_ratings_revealed(browsing, mail_site, smtp):
    pages: list = []
    therapist_email, patient_email = mail_site.email("ada"), mail_site.email("jo")
    desk = browsing.new_page("desktop", mail_site.url)
    # With mail set up, sign-up finishes by a mailed link.
    flows.fill_sign_up(desk, "Dr Ada Mensah", therapist_email, PASSWORD)
    expect(desk.get_by_role("status")).to_contain_text("We have sent a link to that address")
    desk.goto(link_in(mail_to(smtp, therapist_email, "Finish creating your PartnerTrack account"), "/register/finish/"))
    checked(desk, "signup-finish", pages)
    desk.get_by_role("button", name="Create my account").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your caseload")
    desk.get_by_role("link", name="New partnership").click()
    desk.get_by_label("Patient name", exact=True).fill("Jo")
    desk.get_by_label("Therapy started on").fill((TODAY - timedelta(days=14)).isoformat())
    desk.get_by_label("Patient email").fill(patient_email)
    desk.get_by_role("button", name="Open partnership").click()
    expect(desk.get_by_role("status").filter(has_text=f"being mailed to {patient_email}")).to_be_visible()
    partnership_url = desk.url

    invite = mail_to(smtp, patient_email, "You are invited to PartnerTrack")
    phone = browsing.new_page("phone", mail_site.url)
    flows.join_with_new_account(phone, link_in(invite, "/join/"), "Jo Park", patient_email, PASSWORD)
    desk.reload()
    expect(desk.get_by_text(re.compile(f"Invite to {re.escape(patient_email)}: delivered"))).to_be_visible()
    browsing.shot(desk, "invite-delivered")

    # After the session, the therapist rates it; the patient's form link goes out.
    desk.goto(partnership_url)
    flows.start_rating(desk, SESSION)
    therapist_rating = Rating(SESSION, scores(8, 7, 8, 7, None, 3), "Good work today.")
    flows.fill_rating_by_labels(desk, therapist_rating)
    flows.save_rating(desk)

    form_mail = mail_to(smtp, patient_email, "A form is waiting for you in PartnerTrack")
    link = link_in(form_mail, "/form/")
    # A phone that is not logged in: the link opens that one form, and nothing else.
    fresh = browsing.new_page("phone", mail_site.url)
    fresh.goto(link)
    flows.form_ready(fresh)
    expect(fresh.get_by_label("Session date")).to_have_value(SESSION.isoformat())
    expect(fresh.get_by_text("Rating one session from your email link")).to_be_visible()
    checked(fresh, "rate-from-link", pages)
    browsing.shot(fresh, "form-from-link")
    patient_rating = Rating(SESSION, scores(6, 7, 6, 7, 5, 2), "Felt heard.")
    flows.fill_rating_by_touch(fresh, patient_rating)
    expect(fresh.get_by_label(re.compile("concern"))).to_be_visible()
    fresh.get_by_role("button", name="Save my rating").tap()
    expect(fresh.get_by_role("status").filter(has_text="Your rating was saved.")).to_be_visible()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Log in")
    # Used once: the same link now says so; other pages ask for the password.
    fresh.goto(link)
    expect(fresh.get_by_text("already been used")).to_be_visible()
    checked(fresh, "form-link-used", pages)
    fresh.goto(partnership_url)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Log in")
    # Logged in, the patient sees both ratings side by side.
    fresh.get_by_label("Email", exact=True).fill(patient_email)
    fresh.get_by_label("Password", exact=True).fill(PASSWORD)
    fresh.get_by_role("button", name="Log in").tap()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("With Dr Ada Mensah")
    expect(fresh.locator("#session-1").get_by_text("Both ratings are shown.")).to_be_visible()
    expect(fresh.locator("#session-1").get_by_text("Good work today.")).to_be_visible()
    browsing.shot(fresh, "both-revealed")
    desk.goto(partnership_url)
    expect(desk.locator("#session-1").get_by_text("Felt heard.")).to_be_visible()
    expect(desk.get_by_text(re.compile("Form link for the session of .*: delivered"))).to_be_visible()

    reset_password(browsing, mail_site, smtp, therapist_email, pages)
    folder = artifacts_dir() / "html-mail"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for name, html in pages:
        files.append(folder / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    assert vnu_errors(files) == {}


def reset_password(browsing, mail_site, smtp: MailServer, email: str, pages: list) -> None:
    """Forgot your password? → Email → the mailed link → New password, Confirm password → log in."""
    phone = browsing.new_page("phone", mail_site.url)
    phone.goto("/login")
    phone.get_by_role("link", name="Forgot your password?").tap()
    phone.get_by_label("Email", exact=True).fill(email)
    phone.get_by_role("button", name="Send me a link").tap()
    expect(phone.get_by_role("status").filter(has_text="If an account uses that address")).to_be_visible()
    checked(phone, "reset-sent", pages)
    message = mail_to(smtp, email, "Reset your PartnerTrack password")
    phone.goto(link_in(message, "/reset-password/"))
    checked(phone, "reset-form", pages)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set new password").tap()
    expect(phone.get_by_role("status").filter(has_text="Your password was changed")).to_be_visible()
    flows.log_in(phone, email, NEW_PASSWORD)
    phone.goto(message["List-Unsubscribe"].strip("<>"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stop these emails?")
    checked(phone, "unsubscribe", pages)
