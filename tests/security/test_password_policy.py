"""The password policy: no common passwords, not the email; and the administrator's CLI."""

from __future__ import annotations

import pytest

from partnertrack.core.password_policy import (
    COMMON_PASSWORDS_FILE,
    common_passwords,
    policy_problem,
)
from partnertrack.core.passwords import check_password
from partnertrack.extensions import db
from partnertrack.models import User
from tests.helpers import client_as, is_login_redirect


def test_the_shipped_list_has_at_least_1000_lowercase_passwords():
    """ASVS asks for a list of common passwords; ours ships with the package."""
    passwords = common_passwords()
    assert len(passwords) >= 1000
    lines = [
        line for line in COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    assert all(line == line.lower() and line.strip() == line and line for line in lines)
    assert len(lines) == len(set(lines))
    assert {"123456", "password", "qwertyuiop", "1234567890", "iloveyou"} <= passwords


@pytest.mark.parametrize(
    ("password", "email", "refused"),
    [
        ("Password123", None, True),  # case does not make it safer
        ("  qwertyuiop ", None, True),
        ("a.smith@example.org", "A.Smith@example.org", True),
        ("a.smith", "a.smith@example.org", True),
        ("correct horse battery", "a.smith@example.org", False),
    ],
)
def test_policy_problem(password, email, refused):
    """The pure check behind every password form."""
    assert (policy_problem(password, email) is not None) is refused


def _register(client, password: str, email: str = "new@example.org"):
    """Post the sign-up form."""
    return client.post(
        "/register", data={"name": "New Therapist", "email": email, "password": password, "confirm": password}
    )


@pytest.mark.parametrize("password", ["1234567890", "Password123", "qwertyuiop", "iloveyou123"])
def test_sign_up_refuses_a_common_password(app, client, password):
    """The form explains, and no account is made."""
    response = _register(client, password)
    assert response.status_code == 422
    assert "one of the most commonly used" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "new@example.org")) is None


def test_sign_up_refuses_the_email_as_password(app, client):
    """Password equal to the email, in any case, is refused."""
    response = _register(client, "New@Example.org", email="new@example.org")
    assert "must not be your email address" in response.get_data(as_text=True)


def test_joining_refuses_a_common_password(app, world):
    """The patient's sign-up through an invite applies the same policy."""
    from datetime import date

    from partnertrack.partnerships.service import open_partnership

    with app.app_context():
        _, token = open_partnership(db.session.get(User, world.therapist), "Jo", date(2025, 1, 6))
        db.session.commit()
    data = {"name": "Jo", "email": "jo@example.org", "password": "password12", "confirm": "password12"}
    response = app.test_client().post(f"/join/{token}", data=data)
    assert "one of the most commonly used" in response.get_data(as_text=True)


def test_reset_password_command_sets_a_new_password_and_ends_sessions(app, world, runner):
    """`flask user reset-password` is the "forgot password" path: an administrator resets it."""
    session = client_as(app, "pat@example.org")
    result = runner.invoke(args=["user", "reset-password", "--email", "Pat@Example.org"])
    assert result.exit_code == 0, result.output
    assert "logged out everywhere" in result.output
    new_password = result.output.split("New password: ")[1].strip()
    assert is_login_redirect(session.get("/"))
    client_as(app, "pat@example.org", new_password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.org", "--password", "a fine long password"], "No account has the email"),
        (["--email", "pat@example.org", "--password", "password123"], "most commonly used"),
        (["--email", "pat@example.org", "--password", "short"], "between 10 and 128"),
    ],
)
def test_reset_password_command_refuses_bad_input(app, world, runner, args, message):
    """A clear error and the old password still works."""
    result = runner.invoke(args=["user", "reset-password", *args])
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        from tests.factories import PASSWORD

        assert check_password(db.session.get(User, world.patient).password_hash, PASSWORD)


def test_enable_command_lets_a_disabled_account_log_in_again(app, world, runner):
    """disable, then enable."""
    runner.invoke(args=["user", "disable", "--email", "pat@example.org"])
    result = runner.invoke(args=["user", "enable", "--email", "pat@example.org"])
    assert result.exit_code == 0 and "enabled" in result.output
    client_as(app, "pat@example.org")


def test_user_create_refuses_a_common_password(app, runner):
    """The administrator's account creation applies the policy too."""
    result = runner.invoke(
        args=["user", "create", "--name", "X", "--email", "x@example.org", "--password", "1234567890"]
    )
    assert result.exit_code != 0 and "most commonly used" in result.output


# --- strength (zxcvbn with the app's words and the person's as context) ----------------------


@pytest.mark.parametrize("password", ["partnertrack", "therapy2026", "abcabcabca", "Partnertrack1", "mutuality99"])
def test_policy_refuses_easily_guessed_passwords(password):
    """Neither on the common list nor the email, yet guessed in minutes: the app's own words, patterns."""
    problem = policy_problem(password, "new@example.org")
    assert problem is not None and "easy to guess" in problem


def test_the_persons_name_and_email_count_as_known_words():
    assert policy_problem("SamRivera2025", "sam.rivera@example.org", "Sam Rivera") is not None
    assert policy_problem("sam.rivera1", "sam.rivera@example.org") is not None
    assert policy_problem("lantern orbit pickle", "sam.rivera@example.org", "Sam Rivera") is None


@pytest.mark.parametrize("password", ["partnertrack", "therapy2026", "abcabcabca"])
def test_sign_up_refuses_an_easily_guessed_password(app, client, password):
    response = _register(client, password)
    assert response.status_code == 422
    assert "would be easy to guess" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "new@example.org")) is None


def test_password_change_refuses_an_easily_guessed_password(app, world):
    client = client_as(app, "pat@example.org")
    data = {"current": "correct horse battery", "password": "therapy2026", "confirm": "therapy2026"}
    response = client.post("/account/password", data=data)
    assert response.status_code == 422 and "would be easy to guess" in response.get_data(as_text=True)
    with app.app_context():
        from tests.factories import PASSWORD

        assert check_password(db.session.get(User, world.patient).password_hash, PASSWORD)


def test_reset_password_command_refuses_an_easily_guessed_password(app, world, runner):
    result = runner.invoke(args=["user", "reset-password", "--email", "pat@example.org", "--password", "abcabcabca"])
    assert result.exit_code != 0 and "easy to guess" in result.output
