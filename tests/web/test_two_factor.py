"""Two-factor sign-in: setting it up, signing in with a code or a recovery code, turning it off, the reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from partnertrack.auth.two_factor_models import RecoveryCode, TwoFactor
from partnertrack.core.audit import AuditEvent
from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import PASSWORD, PATIENT, THERAPIST, enable_two_factor, make_world, totp_code
from tests.helpers import client_as, is_login_redirect

NOW = datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)
LATER = NOW + timedelta(seconds=30)  # the next code


@pytest.fixture
def clocked(new_app):
    """An app whose clock stands at NOW, with the world's people."""
    app = new_app(NOW=NOW.isoformat())
    world = make_world(app)
    return app, world


def events(app, action: str) -> list[AuditEvent]:
    """The audit events of ``action``."""
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def sign_in(client, email: str = THERAPIST):
    """The password step."""
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_setting_it_up_shows_the_key_and_then_the_recovery_codes(clocked):
    app, world = clocked
    other_device = client_as(app, THERAPIST)
    client = client_as(app, THERAPIST)
    page = client.get("/account/two-factor/setup")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.text
    key = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    done = client.post("/account/two-factor/setup", data={"code": totp_code(key, NOW), "current": PASSWORD})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Two-factor sign-in is on" in done.text
    assert "asks for your password and a code" in client.get("/account/two-factor/").text
    assert is_login_redirect(other_device.get("/")), "other sessions end: they never gave a code"
    assert len(events(app, "account.two_factor_enabled")) == 1
    with app.app_context():
        stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)


@pytest.mark.parametrize(
    ("code", "password"), [("000000", PASSWORD), ("not a code", PASSWORD), (None, "a wrong password here")]
)
def test_a_wrong_code_or_password_leaves_it_off(clocked, code, password):
    app, world = clocked
    client = client_as(app, THERAPIST)
    client.get("/account/two-factor/setup")
    with app.app_context():
        secret = db.session.get(TwoFactor, world.therapist).secret
    response = client.post(
        "/account/two-factor/setup", data={"code": code or totp_code(secret, NOW), "current": password}
    )
    assert response.status_code == 422
    assert "That code is not right" in response.text or "not your current password" in response.text
    with app.app_context():
        assert db.session.get(TwoFactor, world.therapist).confirmed_at is None
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_signing_in_asks_for_the_code_after_the_password(clocked):
    app, world = clocked
    secret, _codes = enable_two_factor(app, world.therapist)
    client = app.test_client()
    step = sign_in(client)
    assert step.status_code == 302 and step.headers["Location"] == "/login/code"
    assert is_login_redirect(client.get("/")), "the password alone does not sign in"
    assert "Authentication code" in client.get("/login/code").text
    app.config["NOW"] = LATER.isoformat()
    done = client.post("/login/code", data={"code": totp_code(secret, LATER)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get_cookie("partnertrack_device") is not None


def test_a_code_works_once(clocked):
    app, world = clocked
    secret, _codes = enable_two_factor(app, world.therapist)
    app.config["NOW"] = LATER.isoformat()
    first = app.test_client()
    sign_in(first)
    assert first.post("/login/code", data={"code": totp_code(secret, LATER)}).status_code == 302
    second = app.test_client()
    sign_in(second)
    replay = second.post("/login/code", data={"code": totp_code(secret, LATER)})
    assert replay.status_code == 200 and "That code is not right" in replay.text
    assert is_login_redirect(second.get("/"))
    assert len(events(app, "login.two_factor_failed")) == 1


def test_a_code_from_a_phone_a_step_behind_or_ahead_works_but_not_further(clocked):
    app, world = clocked
    secret, _codes = enable_two_factor(app, world.therapist)
    app.config["NOW"] = (NOW + timedelta(minutes=5)).isoformat()
    client = app.test_client()
    sign_in(client)
    stale = client.post("/login/code", data={"code": totp_code(secret, NOW + timedelta(minutes=4))})
    assert stale.status_code == 200
    drift = client.post("/login/code", data={"code": totp_code(secret, NOW + timedelta(minutes=4, seconds=30))})
    assert drift.status_code == 302


def test_a_recovery_code_signs_in_once(clocked):
    app, world = clocked
    _secret, codes = enable_two_factor(app, world.therapist)
    client = app.test_client()
    sign_in(client)
    done = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")}, follow_redirects=True)
    assert "signed in with a recovery code; 9 left" in done.text
    client.post("/logout")
    sign_in(client)
    again = client.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 200 and is_login_redirect(client.get("/"))
    assert len(events(app, "login.recovery_code_used")) == 1


def test_the_code_page_without_a_password_first_goes_to_login(clocked):
    app, _world = clocked
    client = app.test_client()
    assert is_login_redirect(client.get("/login/code"))
    assert is_login_redirect(client.post("/login/code", data={"code": "123456"}))


def test_a_half_finished_sign_in_expires_after_five_minutes(clocked):
    app, world = clocked
    secret, _codes = enable_two_factor(app, world.therapist)
    client = app.test_client()
    sign_in(client)
    with client.session_transaction() as session:
        pending = dict(session["two_factor_pending"])
        pending["at"] -= 301
        session["two_factor_pending"] = pending
    app.config["NOW"] = LATER.isoformat()
    assert is_login_redirect(client.post("/login/code", data={"code": totp_code(secret, LATER)}))


def test_wrong_codes_are_limited(new_app):
    app = new_app(NOW=NOW.isoformat(), RATELIMIT_ENABLED=True, TWO_FACTOR_RATE_LIMIT="3 per minute")
    world = make_world(app)
    secret, _codes = enable_two_factor(app, world.therapist)
    client = app.test_client()
    sign_in(client)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    app.config["NOW"] = LATER.isoformat()
    refused = client.post("/login/code", data={"code": totp_code(secret, LATER)})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_turning_it_off_needs_the_password(clocked):
    app, world = clocked
    enable_two_factor(app, world.patient)
    app.config["NOW"] = LATER.isoformat()
    client = app.test_client()
    sign_in(client, PATIENT)
    with app.app_context():
        secret = db.session.get(TwoFactor, world.patient).secret
    client.post("/login/code", data={"code": totp_code(secret, LATER)})
    client.post("/account/two-factor/disable", data={"current": "a wrong password here"})
    with app.app_context():
        assert db.session.get(TwoFactor, world.patient) is not None
    client.post("/account/two-factor/disable", data={"current": PASSWORD})
    with app.app_context():
        assert db.session.get(TwoFactor, world.patient) is None
    client.post("/logout")
    assert sign_in(client, PATIENT).headers["Location"] == "/"
    assert len(events(app, "account.two_factor_disabled")) == 1


def test_new_recovery_codes_replace_the_old(clocked):
    app, world = clocked
    _secret, old = enable_two_factor(app, world.patient)
    client = app.test_client()
    sign_in(client, PATIENT)
    client.post("/login/code", data={"code": old[0]})
    page = client.post("/account/two-factor/recovery-codes", data={"current": PASSWORD})
    new = re.findall(r"<code>([a-z2-9-]{19})</code>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    sign_in(client, PATIENT)
    assert client.post("/login/code", data={"code": old[1]}).status_code == 200
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_a_role_that_must_use_it_is_held_at_the_set_up_page(new_app):
    app = new_app(NOW=NOW.isoformat(), TWO_FACTOR_REQUIRED_ROLES=["therapist"])
    world = make_world(app)
    therapist = client_as(app, THERAPIST)
    held = therapist.get(f"/partnerships/{world.partnership}/")
    assert held.status_code == 302 and held.headers["Location"] == "/account/two-factor/setup"
    assert therapist.get("/account/two-factor/setup").status_code == 200
    assert client_as(app, PATIENT).get("/").status_code == 200, "optional for patients"
    enable_two_factor(app, world.therapist)
    app.config["NOW"] = LATER.isoformat()
    with app.app_context():
        secret = db.session.get(TwoFactor, world.therapist).secret
    client = app.test_client()
    sign_in(client)
    client.post("/login/code", data={"code": totp_code(secret, LATER)})
    assert client.get(f"/partnerships/{world.partnership}/").status_code == 200
    client.post("/account/two-factor/disable", data={"current": PASSWORD})
    with app.app_context():
        assert db.session.get(TwoFactor, world.therapist) is not None, "cannot be turned off"


def test_the_administrator_resets_it_and_the_reset_is_audited(clocked):
    app, world = clocked
    enable_two_factor(app, world.therapist)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "reset-two-factor", "--email", THERAPIST])
    assert result.exit_code == 0, result.output
    assert "reset for tara@example.org" in result.output
    with app.app_context():
        assert db.session.get(TwoFactor, world.therapist) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
        assert db.session.get(User, world.therapist).session_version == 2
    [event] = events(app, "account.two_factor_reset")
    assert event.subject_id == world.therapist and event.actor_id is None and event.detail == "command line"
    assert sign_in(app.test_client()).headers["Location"] == "/"
    again = runner.invoke(args=["user", "reset-two-factor", "--email", THERAPIST])
    assert again.exit_code != 0 and "does not use two-factor sign-in" in again.output
    unknown = runner.invoke(args=["user", "reset-two-factor", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account has the email" in unknown.output
