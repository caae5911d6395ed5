"""The command-line tools."""

import re

from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession, User
from tests.helpers import text_of


def test_demo_loads_a_partnership_with_16_rated_sessions(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    creds = re.findall(r"(therapist|patient)\s+(\S+@\S+)\s+password: (\S+)", result.output)
    assert [c[0] for c in creds] == ["therapist", "patient"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TherapySession.id))) == 16
        assert db.session.scalar(db.select(db.func.count(Rating.id))) == 32
        assert db.session.scalar(db.select(Partnership.status)) == "active"
    client = app.test_client()
    client.post("/login", data={"email": creds[1][1], "password": creds[1][2]})
    page = text_of(client.get("/partnerships/1/"))
    assert "Latest: session 16" in page and "Session 15 ·" in page  # earlier sessions: newest first, paged
    assert "Session 1 ·" in text_of(client.get("/partnerships/1/?session=1"))


def test_setup_with_demo_loads_only_into_an_empty_database(app, runner):
    first = runner.invoke(args=["setup", "--demo"])
    assert "Demo data loaded" in first.output
    second = runner.invoke(args=["setup", "--demo"])
    assert "demo data not loaded" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Partnership.id))) == 1


def test_user_create_adds_a_therapist(app, runner):
    result = runner.invoke(args=["user", "create", "--name", "Dr Admin", "--email", "Admin@Example.org"])
    assert result.exit_code == 0 and "Password: " in result.output
    password = result.output.split("Password: ")[1].strip()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))
        assert user.role == "therapist"
    response = app.test_client().post("/login", data={"email": "admin@example.org", "password": password})
    assert response.status_code == 302


def test_user_create_refuses_a_taken_email_or_short_password(app, runner, world):
    taken = runner.invoke(
        args=["user", "create", "--name", "X", "--email", "tara@example.org", "--password", "long enough pw"]
    )
    assert taken.exit_code != 0 and "already exists" in taken.output
    short = runner.invoke(args=["user", "create", "--name", "X", "--email", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 4
