"""Password reset by mail: one link, once, for an hour; the same answer and time for an unknown address."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, timedelta

from partnertrack.auth.models import PasswordReset
from partnertrack.core.outbox import OutboxMessage
from tests.factories import PASSWORD, PATIENT
from tests.helpers import (
    client_as,
    count,
    deliver,
    is_login_redirect,
    link_in,
    path_of,
    table_snapshot,
    text_body,
    text_of,
)

NEW = "a completely new passphrase"


def _ask(client, email: str):
    """Post the "Forgot your password?" form."""
    return client.post("/reset-password", data={"email": email})


def _reset_mail(app, smtp):
    """Ask for a reset for the patient and return the mail that arrives."""
    assert _ask(app.test_client(), PATIENT).status_code == 200
    assert deliver(app).sent == 1
    return smtp.wait_for(1)[0]


def test_the_login_page_leads_to_the_reset_form(mail_app, world):
    client = mail_app.test_client()
    login = client.get("/login")
    assert 'href="/reset-password">Forgot your password?</a>' in login.text
    form = client.get("/reset-password")
    assert form.status_code == 200 and "Email" in text_of(form)


def test_the_mailed_link_sets_a_new_password_and_ends_every_session(mail_app, mail_server, world):
    elsewhere = client_as(mail_app, PATIENT)
    message = _reset_mail(mail_app, mail_server)
    assert message["Subject"] == "Reset your PartnerTrack password"
    assert "It works once, for 60 minutes" in text_body(message)
    browser = mail_app.test_client()
    path = path_of(link_in(message, "/reset-password/"))
    page = browser.get(path)
    assert "New password" in text_of(page) and "Confirm password" in text_of(page)
    done = browser.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert is_login_redirect(elsewhere.get("/account/"))
    assert client_as(mail_app, PATIENT, NEW).get("/account/").status_code == 200
    assert mail_app.test_client().post("/login", data={"email": PATIENT, "password": PASSWORD}).status_code == 200
    used = mail_app.test_client().get(path)
    assert used.status_code == 410 and "already been used" in text_of(used)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, mail_server, world):
    known = text_of(_ask(mail_app.test_client(), PATIENT))
    unknown = text_of(_ask(mail_app.test_client(), "nobody@example.org"))
    assert known == unknown
    assert "If an account uses that address" in unknown
    assert count(mail_app, OutboxMessage) == 1
    assert count(mail_app, PasswordReset) == 1


def test_known_and_unknown_addresses_take_the_same_time(new_app, world):
    app = new_app(PASSWORD_RESET_MIN_SECONDS=0.3)
    from tests.factories import make_world

    make_world(app)
    client = app.test_client()

    def median(email: str) -> float:
        """Median seconds of six requests for ``email``."""
        times = []
        for _ in range(6):
            started = time.perf_counter()
            assert _ask(client, email).status_code == 200
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median(PATIENT), median("nobody@example.org")
    assert known >= 0.3 and unknown >= 0.3
    assert abs(known - unknown) < 0.1, (known, unknown)


def test_the_link_expires_after_an_hour_and_the_password_stays(mail_app, mail_server, world):
    message = _reset_mail(mail_app, mail_server)
    path = path_of(link_in(message, "/reset-password/"))
    with mail_app.app_context():
        from partnertrack.extensions import db

        created = db.session.scalar(db.select(PasswordReset.created_at))
    mail_app.config["NOW"] = created.replace(tzinfo=UTC) + timedelta(minutes=61)
    before = table_snapshot(mail_app)
    response = mail_app.test_client().post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 410 and "expired" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_an_altered_link_changes_nothing(mail_app, mail_server, world):
    message = _reset_mail(mail_app, mail_server)
    path = path_of(link_in(message, "/reset-password/"))
    before = table_snapshot(mail_app)
    response = mail_app.test_client().post(path[:-3] + "abc", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 404 and "not valid" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_a_weak_or_mismatched_new_password_is_refused(mail_app, mail_server, world):
    path = path_of(link_in(_reset_mail(mail_app, mail_server), "/reset-password/"))
    before = table_snapshot(mail_app)
    for data, words in (
        ({"password": "short", "confirm": "short"}, "between 10 and"),
        ({"password": NEW, "confirm": NEW + "x"}, "do not match"),
        ({"password": PATIENT, "confirm": PATIENT}, "email"),
    ):
        response = mail_app.test_client().post(path, data=data)
        assert response.status_code == 422 and words in text_of(response), data
    assert table_snapshot(mail_app) == before


def test_an_invalid_address_gets_a_clear_message(mail_app, world):
    before = table_snapshot(mail_app)
    response = _ask(mail_app.test_client(), "not-an-address")
    assert response.status_code == 422 and "Please enter a valid email address" in text_of(response)
    assert table_snapshot(mail_app) == before
