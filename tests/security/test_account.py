"""The account page: password change and "Download all my data"."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from partnertrack.core.passwords import check_password
from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import PASSWORD, rating_form
from tests.helpers import client_as

NEW = "a walk along the quiet river"


def test_account_page_links_every_right(app, world):
    """The nav has an Account link; the page offers password, activity, data and deletion."""
    client = client_as(app, "pat@example.org")
    assert 'href="/account/"' in client.get("/").get_data(as_text=True)
    page = client.get("/account/").get_data(as_text=True)
    for text in ("Change password", "Activity log", "Download all my data", "Delete my account", "pat@example.org"):
        assert text in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"current": "not my password", "password": NEW, "confirm": NEW}, "That is not your current password."),
        ({"current": PASSWORD, "password": "password123", "confirm": "password123"}, "most commonly used"),
        ({"current": PASSWORD, "password": "pat@example.org", "confirm": "pat@example.org"}, "must not be your email"),
        ({"current": PASSWORD, "password": "short", "confirm": "short"}, "between 10 and 128 characters"),
        ({"current": PASSWORD, "password": NEW, "confirm": NEW + "x"}, "The two new passwords do not match."),
        ({"current": PASSWORD, "password": PASSWORD, "confirm": PASSWORD}, "different from your current one"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, world, form, message):
    """Each refusal names its reason; the stored hash and the sessions stay as they were."""
    client = client_as(app, "pat@example.org")
    with app.app_context():
        before = db.session.get(User, world.patient)
        hash_before, version_before = before.password_hash, before.session_version
    response = client.post("/account/password", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        after = db.session.get(User, world.patient)
        assert (after.password_hash, after.session_version) == (hash_before, version_before)


def test_password_change_stores_the_new_password(app, world):
    """The new password works, the old one does not."""
    client = client_as(app, "pat@example.org")
    client.post("/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    with app.app_context():
        user = db.session.get(User, world.patient)
        assert check_password(user.password_hash, NEW) and not check_password(user.password_hash, PASSWORD)


def test_download_all_my_data_as_a_patient(app, world):
    """JSON with the account, the partnership, own ratings and the partner's once revealed."""
    patient = client_as(app, "pat@example.org")
    therapist = client_as(app, "tara@example.org")
    both, blind = date.today() - timedelta(days=3), date.today() - timedelta(days=1)
    patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(both, comment="Mine, revealed"))
    therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(both, comment="Theirs, revealed"))
    therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(blind, comment="Theirs, still blind"))
    response = patient.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"] == {**data["account"], "name": "Pat Patient", "email": "pat@example.org", "role": "patient"}
    assert "password_hash" not in json.dumps(data)
    (partnership,) = data["partnerships"]
    assert partnership["your_role"] == "patient" and partnership["therapist"] == "Dr Tara Therapist"
    comments = [r["comment"] for s in partnership["sessions"] for r in s["ratings"]]
    assert sorted(comments) == ["Mine, revealed", "Theirs, revealed"]
    assert "Theirs, still blind" not in response.get_data(as_text=True)
    assert any(event["action"] == "login.succeeded" for event in data["activity"])


def test_download_all_my_data_as_a_therapist(app, world):
    """Any user can download their data; a therapist gets every partnership they hold."""
    data = json.loads(client_as(app, "tara@example.org").get("/account/data.json").get_data(as_text=True))
    assert data["account"]["role"] == "therapist"
    assert [p["id"] for p in data["partnerships"]] == [world.partnership]
