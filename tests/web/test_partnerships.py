"""Opening partnerships, invites and joining."""

import re
from datetime import date, timedelta

import pytest

from partnertrack.core.clock import utcnow
from partnertrack.core.tokens import hash_token
from partnertrack.extensions import db
from partnertrack.models import Invite, Partnership, User

NEW_PATIENT = {
    "name": "Alex Patient",
    "email": "alex@example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}


def invite_link(client, partnership_id):
    page = client.get(f"/partnerships/{partnership_id}/").text
    match = re.search(r'href="(http://[^"]*/join/([^"]+))"', page)
    return match.group(2) if match else None


def open_partnership(client, name="Alex", started=None):
    started = started or date.today() - timedelta(days=30)
    response = client.post("/partnerships/new", data={"patient_name": name, "started_on": started.isoformat()})
    assert response.status_code == 302
    return int(response.headers["Location"].strip("/").split("/")[-1])


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_therapist_opens_partnership_and_sees_invite_link(app, client, world, auth):
    auth.login("tara@example.org")
    assert "New partnership" in client.get("/").text
    pid = open_partnership(client)
    token = invite_link(client, pid)
    assert token and len(token) >= 40
    page = client.get(f"/partnerships/{pid}/").text
    assert "Copy invite link" in page and "/join/" in page
    with app.app_context():
        invite = db.session.scalar(db.select(Invite).where(Invite.partnership_id == pid))
        assert invite.token_hash == hash_token(token) and token not in invite.token_hash
        assert db.session.get(Partnership, pid).status == "invited"


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"patient_name": "", "started_on": "2026-01-01"},
            "Please enter the patient",
        ),  # a translated label or message renders as is
        ({"patient_name": "A" * 121, "started_on": "2026-01-01"}, "under 120 characters"),
        ({"patient_name": "Alex", "started_on": "2999-01-01"}, "cannot be in the future"),
        ({"patient_name": "Alex", "started_on": "yesterday"}, "Not a valid date value."),
    ],
)
def test_new_partnership_bad_input(app, client, world, auth, data, message):
    auth.login("tara@example.org")
    before = count(app, Partnership)
    response = client.post("/partnerships/new", data=data)
    assert response.status_code == 422 and message in response.text
    assert count(app, Partnership) == before


def test_patient_cannot_open_a_partnership(app, client, world, auth):
    auth.login("pat@example.org")
    assert client.get("/partnerships/new").status_code == 403
    assert client.post("/partnerships/new", data={"patient_name": "X", "started_on": "2026-01-01"}).status_code == 403
    assert count(app, Partnership) == 2


def test_patient_joins_with_a_new_account(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    token = invite_link(client, pid)
    auth.logout()
    assert "Join Dr Tara Therapist" in client.get(f"/join/{token}").text
    response = client.post(f"/join/{token}", data=NEW_PATIENT)
    assert response.headers["Location"] == f"/partnerships/{pid}/"
    assert "With Dr Tara Therapist" in client.get(f"/partnerships/{pid}/").text
    with app.app_context():
        p = db.session.get(Partnership, pid)
        assert p.status == "active" and p.patient.email == "alex@example.org" and p.patient.role == "patient"


def test_invite_is_single_use(app, client, world, auth):
    auth.login("tara@example.org")
    token = invite_link(client, open_partnership(client))
    auth.logout()
    client.post(f"/join/{token}", data=NEW_PATIENT)
    auth.logout()
    users = count(app, User)
    response = client.post(f"/join/{token}", data=dict(NEW_PATIENT, email="second@example.org"))
    assert response.status_code == 410 and "already been used" in response.text
    assert count(app, User) == users


def test_expired_invite_gets_a_clear_page(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    token = invite_link(client, pid)
    auth.logout()
    with app.app_context():
        invite = db.session.scalar(db.select(Invite).where(Invite.partnership_id == pid))
        invite.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    users = count(app, User)
    assert "has expired" in client.get(f"/join/{token}").text
    response = client.post(f"/join/{token}", data=NEW_PATIENT)
    assert response.status_code == 410 and "has expired" in response.text
    assert count(app, User) == users


def test_invite_expires_after_14_days(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    with app.app_context():
        invite = db.session.scalar(db.select(Invite).where(Invite.partnership_id == pid))
        lifetime = invite.expires_at.replace(tzinfo=None) - invite.created_at.replace(tzinfo=None)
        assert timedelta(days=13, hours=23) < lifetime <= timedelta(days=14)


def test_unknown_invite_gets_a_clear_page(client):
    response = client.get("/join/not-a-real-token")
    assert response.status_code == 404 and "not valid" in response.text


def test_therapist_cannot_join_as_the_patient(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    token = invite_link(client, pid)
    auth.logout()
    auth.login("omar@example.org")
    response = client.post(f"/join/{token}", data={})
    assert response.status_code == 403 and "cannot join as the patient" in response.text
    with app.app_context():
        assert db.session.get(Partnership, pid).patient_id is None


def test_logged_in_patient_joins_with_one_click(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    token = invite_link(client, pid)
    auth.logout()
    auth.login("quinn@example.org")
    assert "Join this partnership" in client.get(f"/join/{token}").text
    client.post(f"/join/{token}", data={})
    with app.app_context():
        assert db.session.get(Partnership, pid).patient_id == world.other_patient


def test_new_invite_link_retires_the_old_one(app, client, world, auth):
    auth.login("tara@example.org")
    pid = open_partnership(client)
    old = invite_link(client, pid)
    client.post(f"/partnerships/{pid}/invite")
    new = invite_link(client, pid)
    assert new and new != old
    auth.logout()
    assert client.get(f"/join/{old}").status_code == 410
    assert client.get(f"/join/{new}").status_code == 200


def test_join_bad_input_stores_nothing(app, client, world, auth):
    auth.login("tara@example.org")
    token = invite_link(client, open_partnership(client))
    auth.logout()
    users = count(app, User)
    response = client.post(f"/join/{token}", data=dict(NEW_PATIENT, email="pat@example.org"))
    assert response.status_code == 422 and "could not create an account with this email" in response.text
    assert count(app, User) == users


def test_dashboards_show_partnerships_to_their_members_only(client, world, auth):
    auth.login("tara@example.org")
    page = client.get("/").text
    assert "Pat" in page and "Quinn" not in page
    auth.logout()
    auth.login("pat@example.org")
    page = client.get("/").text
    assert "Rate your last session" in page and "With Dr Tara Therapist" in page and "Omar" not in page


OUTSIDER_URLS = ["/partnerships/{id}/", "/partnerships/{id}/rate", "/partnerships/{id}/export.csv"]


@pytest.mark.parametrize("url", OUTSIDER_URLS)
@pytest.mark.parametrize("outsider", ["omar@example.org", "quinn@example.org"])
def test_outsiders_get_404(client, world, auth, url, outsider):
    auth.login(outsider)
    assert client.get(url.format(id=world.partnership)).status_code == 404
    assert client.get(url.format(id=9999)).status_code == 404


@pytest.mark.parametrize("url", OUTSIDER_URLS + ["/", "/partnerships/new"])
def test_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url.format(id=world.partnership))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_outsider_cannot_post_a_rating(app, client, world, auth):
    auth.login("omar@example.org")
    response = client.post(f"/partnerships/{world.partnership}/rate", data={"session_date": date.today().isoformat()})
    assert response.status_code == 404
