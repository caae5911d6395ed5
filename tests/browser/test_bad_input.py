"""Bad input in the browser: the message beside the field, the rest kept, the focus on the first error."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from partnertrack.extensions import db
from partnertrack.models import Rating, TherapySession, User
from tests.browser import flows
from tests.factories import seed_site

pytestmark = pytest.mark.browser


def stored_ratings(app, partnership_id: int) -> int:
    """How many ratings the partnership has in the database."""
    with app.app_context():
        count = db.session.scalar(
            db.select(db.func.count(Rating.id))
            .join(TherapySession)
            .where(TherapySession.partnership_id == partnership_id)
        )
        db.session.remove()
    return count


def test_rating_form_with_bad_scores_explains_keeps_and_focuses(browsing, live_server):
    """Scores of -1 and 7.5: both messages beside their fields, every other answer kept, focus on the first."""
    pair = seed_site(live_server.app, live_server.email)
    before = stored_ratings(live_server.app, pair.partnership_id)
    phone = browsing.new_page("phone", live_server.url)
    flows.log_in(phone, pair.patient_email, pair.password)
    phone.goto(f"/partnerships/{pair.partnership_id}/rate")
    typed = {
        "mutuality": "8",
        "collaboration": "-1",
        "responsiveness": "9",
        "feedback": "7.5",
        "termination_readiness": "3",
    }
    for key, value in typed.items():
        phone.get_by_label(flows.FACTOR_NAMES[key], exact=True).fill(value)
    phone.get_by_label(flows.NOTHING_OFF).check()
    phone.get_by_label("Comment").fill("Typed before the mistake.")
    phone.get_by_role("button", name="Save my rating").tap()

    for key in ("collaboration", "feedback"):
        name = flows.FACTOR_NAMES[key]
        message = f"{name}: choose a whole number from 0 to 10."
        expect(flows.score_field(phone, key).locator(".field-errors")).to_have_text(message)
        expect(phone.get_by_label(name, exact=True)).to_have_attribute("aria-invalid", "true")
        expect(phone.get_by_role("alert").get_by_role("link", name=message)).to_be_visible()
    for key, value in typed.items():  # what was typed, bad values included, is still there
        expect(phone.get_by_label(flows.FACTOR_NAMES[key], exact=True)).to_have_value(value)
    expect(phone.get_by_label(flows.NOTHING_OFF)).to_be_checked()
    expect(phone.get_by_label("Comment")).to_have_value("Typed before the mistake.")
    expect(phone.get_by_label("Session date")).to_have_value(date.today().isoformat())
    expect(phone.get_by_label("Collaboration", exact=True)).to_be_focused()
    browsing.shot(phone, "rating-errors")
    assert stored_ratings(live_server.app, pair.partnership_id) == before

    # Putting it right saves it.
    phone.get_by_label("Collaboration", exact=True).fill("6")
    phone.get_by_label("Feedback", exact=True).fill("7")
    flows.save_rating(phone, tap=True)
    assert stored_ratings(live_server.app, pair.partnership_id) == before + 1


def test_sign_up_with_mismatched_passwords_explains_keeps_and_focuses(browsing, live_server):
    """A confirmation that differs: the message under "Confirm password", name and email kept, focus there."""
    page = browsing.new_page("desktop", live_server.url)
    email = live_server.email("mismatch")
    page.goto("/register")
    page.get_by_label("Name", exact=True).fill("Dr Mis Match")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Confirm password", exact=True).fill("a different passphrase")
    page.get_by_role("button", name="Create therapist account").click()

    confirm = page.get_by_label("Confirm password", exact=True)
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field", has=confirm).locator(".field-errors")).to_have_text("The two passwords do not match.")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Dr Mis Match")
    expect(page.get_by_label("Email", exact=True)).to_have_value(email)
    expect(confirm).to_be_focused()
    browsing.shot(page, "sign-up-errors")
    with live_server.app.app_context():
        assert db.session.scalar(db.select(User.id).where(User.email == email)) is None
        db.session.remove()
