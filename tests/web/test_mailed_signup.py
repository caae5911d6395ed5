"""Sign-up where mail is set up: the same answer for a new and a taken address, finished by a mailed link."""

from __future__ import annotations

from datetime import UTC, timedelta

from partnertrack.auth.models import PendingSignup
from partnertrack.core.outbox import OutboxMessage
from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import THERAPIST
from tests.helpers import (
    client_as,
    count,
    deliver,
    link_in,
    path_of,
    table_snapshot,
    text_body,
    text_of,
)

NEW_ADDRESS = "ines@example.org"
PASSPHRASE = "a quiet walk by the river"
FORM = {"name": "Ines Duarte", "password": PASSPHRASE, "confirm": PASSPHRASE}


def _sign_up(app, email: str):
    """Post the sign-up form for ``email`` from a fresh browser."""
    return app.test_client().post("/register", data={**FORM, "email": email})


def _link_mail(app, smtp):
    """Sign up the new address and return the mail that arrives."""
    assert _sign_up(app, NEW_ADDRESS).status_code == 200
    assert deliver(app).sent == 1
    return smtp.wait_for(1)[0]


def test_a_new_and_a_taken_address_get_the_same_answer(mail_app, mail_server, world):
    new = _sign_up(mail_app, NEW_ADDRESS)
    taken = _sign_up(mail_app, THERAPIST)
    assert new.status_code == taken.status_code == 200
    assert text_of(new) == text_of(taken)
    assert "We have sent a link to that address" in text_of(new)
    assert count(mail_app, User, email=NEW_ADDRESS) == 0  # no account until the link is opened
    assert deliver(mail_app).sent == 2
    mails = {m["To"]: m for m in mail_server.wait_for(2)}
    assert mails[THERAPIST]["Subject"] == "Someone tried to create a PartnerTrack account with your address"
    assert "/reset-password" in text_body(mails[THERAPIST])
    assert "/register/finish/" not in text_body(mails[THERAPIST])
    assert mails[NEW_ADDRESS]["Subject"] == "Finish creating your PartnerTrack account"


def test_the_mailed_link_makes_the_account_with_the_chosen_password(mail_app, mail_server, world):
    path = path_of(link_in(_link_mail(mail_app, mail_server), "/register/finish/"))
    browser = mail_app.test_client()
    page = browser.get(path)
    assert page.status_code == 200 and NEW_ADDRESS in text_of(page)
    assert count(mail_app, User, email=NEW_ADDRESS) == 0  # opening the link (a mail scanner) makes nothing
    done = browser.post(path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Welcome to PartnerTrack" in text_of(browser.get("/", follow_redirects=True))
    assert client_as(mail_app, NEW_ADDRESS, PASSPHRASE).get("/account/").status_code == 200
    with mail_app.app_context():
        assert db.session.scalar(db.select(User.role).where(User.email == NEW_ADDRESS)) == "therapist"
    again = mail_app.test_client().post(path)
    assert again.status_code == 410 and "already been used" in text_of(again)
    assert count(mail_app, User, email=NEW_ADDRESS) == 1


def test_an_expired_or_altered_link_changes_nothing(mail_app, mail_server, world):
    path = path_of(link_in(_link_mail(mail_app, mail_server), "/register/finish/"))
    before = table_snapshot(mail_app)
    altered = mail_app.test_client().post(path[:-3] + "abc")
    assert altered.status_code == 404 and "not valid" in text_of(altered)
    with mail_app.app_context():
        created = db.session.scalar(db.select(PendingSignup.created_at))
    mail_app.config["NOW"] = created.replace(tzinfo=UTC) + timedelta(hours=25)
    expired = mail_app.test_client().post(path)
    assert expired.status_code == 410 and "expired" in text_of(expired)
    assert table_snapshot(mail_app) == before


def test_an_address_taken_meanwhile_is_not_signed_up_twice(mail_app, mail_server, world):
    path = path_of(link_in(_link_mail(mail_app, mail_server), "/register/finish/"))
    second = path_of(link_in(_link_mail(mail_app, mail_server), "/register/finish/"))
    assert mail_app.test_client().post(second).status_code == 302
    before = table_snapshot(mail_app)
    first = mail_app.test_client().post(path)
    assert first.status_code in (409, 410) and "Log in" in text_of(first)
    assert table_snapshot(mail_app) == before
    assert count(mail_app, User, email=NEW_ADDRESS) == 1


def test_a_bad_form_is_refused_and_nothing_is_stored_or_mailed(mail_app, mail_server, world):
    before = table_snapshot(mail_app)
    response = mail_app.test_client().post("/register", data={**FORM, "email": NEW_ADDRESS, "confirm": "other"})
    assert response.status_code == 422 and "do not match" in text_of(response)
    assert table_snapshot(mail_app) == before
    assert count(mail_app, OutboxMessage) == 0


def test_without_mail_sign_up_finishes_at_once(app, world):
    response = app.test_client().post("/register", data={**FORM, "email": NEW_ADDRESS})
    assert response.status_code == 302
    assert count(app, User, email=NEW_ADDRESS) == 1 and count(app, PendingSignup) == 0


def test_expired_sign_ups_are_forgotten_by_the_worker(mail_app, mail_server, world):
    from partnertrack.core.tasks import run_periodic

    _link_mail(mail_app, mail_server)
    with mail_app.app_context():
        run_periodic({}, force=True)
        assert count(mail_app, PendingSignup) == 1  # still usable: kept
        created = db.session.scalar(db.select(PendingSignup.created_at))
    mail_app.config["NOW"] = created.replace(tzinfo=UTC) + timedelta(hours=25)
    with mail_app.app_context():
        run_periodic({}, force=True)
    assert count(mail_app, PendingSignup) == 0
