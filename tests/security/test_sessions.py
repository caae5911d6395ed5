"""Sessions: no fixation, cookie flags, automatic logoff, and server-side ending of every session."""

from __future__ import annotations

import time

from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import PASSWORD
from tests.helpers import client_as, is_login_redirect

NEW_PASSWORD = "a walk along the quiet river"


def _session_cookie(response) -> str:
    """The Set-Cookie header of the session cookie."""
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_login_starts_a_new_session_and_drops_planted_values(app, world, client):
    """Whatever was in the session before login (a planted session) is gone after it."""
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
    before = client.get_cookie("session").value
    response = client.post("/login", data={"email": "pat@example.org", "password": PASSWORD})
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].startswith(f"{world.patient}:")
    assert "With Dr Tara Therapist" in client.get("/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(app, world, client):
    """The browser keeps the session cookie away from scripts and cross-site posts."""
    response = client.post("/login", data={"email": "pat@example.org", "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test app


def test_session_cookie_is_secure_when_https_is_configured(new_app):
    """SESSION_COOKIE_SECURE marks the cookie Secure (and turns HSTS on, see test_headers)."""
    app = new_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        from tests.factories import add_user

        add_user("Sam Secure", "sam@example.org", "therapist")
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "sam@example.org", "password": PASSWORD}, base_url="https://localhost"
    )
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _age_session(client, **seconds_ago) -> None:
    """Move the session's timestamps into the past."""
    now = time.time()
    with client.session_transaction() as sess:
        for key, ago in seconds_ago.items():
            sess[key] = now - ago


def test_inactivity_logs_out_after_the_default_30_minutes(app, world):
    """31 minutes without a request ends the session; the login page says why."""
    client = client_as(app, "pat@example.org")
    _age_session(client, last_seen=31 * 60)
    response = client.get("/")
    assert is_login_redirect(response)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "logged out after a period of inactivity" in page


def test_activity_within_the_limit_keeps_the_session(app, world):
    """29 minutes of quiet is still within the limit."""
    client = client_as(app, "pat@example.org")
    _age_session(client, last_seen=29 * 60)
    assert client.get("/").status_code == 200


def test_idle_timeout_is_configurable(new_app):
    """IDLE_TIMEOUT_MINUTES=5 logs out after 6 quiet minutes but not after 4."""
    app = new_app(IDLE_TIMEOUT_MINUTES=5)
    with app.app_context():
        from tests.factories import add_user

        add_user("Ida Idle", "ida@example.org", "therapist")
    client = client_as(app, "ida@example.org")
    _age_session(client, last_seen=4 * 60)
    assert client.get("/").status_code == 200
    _age_session(client, last_seen=6 * 60)
    assert is_login_redirect(client.get("/"))


def test_absolute_lifetime_ends_even_an_active_session(app, world):
    """12 hours after login the session ends, however recently it was used."""
    client = client_as(app, "pat@example.org")
    _age_session(client, login_at=12 * 3600 + 60, last_seen=10)
    assert is_login_redirect(client.get("/"))


def test_logout_ends_every_session_of_the_user(app, world):
    """Logging out on one device logs the same user out on the other, server-side."""
    phone = client_as(app, "pat@example.org")
    laptop = client_as(app, "pat@example.org")
    assert laptop.get("/").status_code == 200
    assert is_login_redirect(phone.post("/logout"))
    assert is_login_redirect(laptop.get("/"))


def test_a_copied_cookie_is_worthless_after_logout(app, world):
    """Replaying the session cookie saved before logout does not log anyone in."""
    client = client_as(app, "pat@example.org")
    saved = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert is_login_redirect(thief.get("/"))


def test_password_change_ends_the_other_sessions_but_keeps_this_one(app, world):
    """The device that changed the password stays in; every other session ends."""
    here = client_as(app, "pat@example.org")
    there = client_as(app, "pat@example.org")
    response = here.post(
        "/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert "Your password was changed" in here.get(response.headers["Location"]).get_data(as_text=True)
    assert here.get("/").status_code == 200
    assert is_login_redirect(there.get("/"))
    assert app.test_client().post("/login", data={"email": "pat@example.org", "password": PASSWORD}).status_code == 200
    client_as(app, "pat@example.org", NEW_PASSWORD)


def test_disabling_an_account_ends_its_sessions_and_blocks_login(app, world, runner):
    """`flask user disable` logs the user out everywhere at once and refuses new logins."""
    phone = client_as(app, "pat@example.org")
    laptop = client_as(app, "pat@example.org")
    result = runner.invoke(args=["user", "disable", "--email", "pat@example.org"])
    assert result.exit_code == 0, result.output
    assert is_login_redirect(phone.get("/"))
    assert is_login_redirect(laptop.get("/"))
    response = app.test_client().post("/login", data={"email": "pat@example.org", "password": PASSWORD})
    assert "do not match an active account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.patient).active is False
