"""Sign-up, login and logout through the test client."""

import pytest

from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import PASSWORD

GOOD = {"name": "Dr New", "email": "new@example.org", "password": "a long passphrase", "confirm": "a long passphrase"}


def user_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)))


def test_register_creates_a_therapist_and_logs_in(app, client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert "Your caseload" in page.text and "New partnership" in page.text
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
        assert user.role == "therapist"
        # argon2id, never the password itself
        assert user.password_hash.startswith("$argon2id$") and "a long passphrase" not in user.password_hash


def test_email_is_stored_normalised(app, client):
    client.post("/register", data=dict(GOOD, email="  New@Example.ORG "))
    with app.app_context():
        assert db.session.scalar(db.select(User.email)) == "new@example.org"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password": "short", "confirm": "short"}, "must be between 10 and 128 characters"),
        ({"confirm": "a different passphrase"}, "The two passwords do not match."),
        ({"email": "not-an-email"}, "Please enter a valid email address"),
        ({"name": ""}, "Please enter your name."),
        ({"password": "new@example.org", "confirm": "new@example.org"}, "must not be your email address"),
    ],
)
def test_register_rejects_bad_input_and_stores_nothing(app, client, changes, message):
    response = client.post("/register", data=dict(GOOD, **changes))
    assert response.status_code == 422
    assert message in response.text
    assert user_count(app) == 0


def test_register_accepts_a_64_character_password(app, client):
    long = "a quiet walk by the river at dawn, then tea with my sister, at 7"
    assert len(long) == 64
    assert client.post("/register", data=dict(GOOD, password=long, confirm=long)).status_code == 302
    assert user_count(app) == 1


def test_duplicate_email_is_refused(app, client, world):
    before = user_count(app)
    response = client.post("/register", data=dict(GOOD, email="TARA@example.org"))
    assert "could not create an account with this email address" in response.text
    assert user_count(app) == before


def test_signup_can_be_switched_off(new_app):
    app = new_app(ALLOW_SIGNUP=False)
    client = app.test_client()
    assert client.get("/register").status_code == 404
    assert client.post("/register", data=GOOD).status_code == 404
    assert user_count(app) == 0
    assert "Therapist sign-up" not in client.get("/login").text


def test_login_and_logout(client, world, auth):
    response = auth.login("tara@example.org")
    assert response.status_code == 302
    assert "Your caseload" in client.get("/").text
    auth.logout()
    assert client.get("/").headers["Location"].startswith("/login")


@pytest.mark.parametrize("email, password", [("tara@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)])
def test_wrong_credentials_get_one_message(client, world, auth, email, password):
    response = auth.login(email, password)
    assert response.status_code == 200
    assert "That email and password do not match an active account." in response.text
    assert client.get("/").status_code == 302


def test_login_follows_a_safe_next(client, world):
    response = client.post("/login?next=/partnerships/1/", data={"email": "tara@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/partnerships/1/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_refuses_an_open_redirect(client, world, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "tara@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_every_session_of_the_user(app, world):
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"email": "tara@example.org", "password": PASSWORD})
    first.post("/logout")
    assert second.get("/").status_code == 302


def test_csrf_token_is_required(new_app):
    app = new_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert user_count(app) == 0
