"""The audit log: what is recorded, that it cannot be changed, and who reads what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from partnertrack.core.audit import AuditEvent, AuditLogIsAppendOnly, record
from partnertrack.extensions import db
from tests.factories import PASSWORD, rating_form
from tests.helpers import audit_rows, client_as

PATIENT_ADDRESS = "203.0.113.7"
THERAPIST_ADDRESS = "198.51.100.9"


def test_logins_and_failed_logins_are_recorded_with_the_address(app, world):
    """Who, what and from where; an unknown email is not stored (it may be a mistyped password)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = PATIENT_ADDRESS
    client.post("/login", data={"email": "pat@example.org", "password": "wrong password here"})
    client.post("/login", data={"email": "my secret password", "password": "whatever it is"})
    client.post("/login", data={"email": "pat@example.org", "password": PASSWORD})
    failed = audit_rows(app, action="login.failed")
    assert [(e.subject_id, e.detail, e.remote_addr) for e in failed] == [
        (world.patient, "wrong password", PATIENT_ADDRESS),
        (None, "unknown email", PATIENT_ADDRESS),
    ]
    assert all(e.actor_id is None for e in failed)
    (ok,) = audit_rows(app, action="login.succeeded")
    assert (ok.actor_id, ok.actor_role, ok.remote_addr) == (world.patient, "patient", PATIENT_ADDRESS)
    assert ok.created_at is not None
    with app.app_context():
        texts = db.session.scalars(sa.select(AuditEvent.detail)).all()
    assert not any("secret" in (t or "") for t in texts)


def test_ratings_submitted_and_changed_and_exports_are_recorded(app, world):
    """A new rating, a change to it and a CSV export each leave one event, without the scores."""
    client = client_as(app, "pat@example.org", REMOTE_ADDR=PATIENT_ADDRESS)
    day = date.today() - timedelta(days=1)
    url = f"/partnerships/{world.partnership}/rate"
    assert client.post(url, data=rating_form(day, comment="Felt heard")).status_code == 302
    assert client.post(url, data=rating_form(day, mutuality=3)).status_code == 302
    assert client.get(f"/partnerships/{world.partnership}/export.csv").status_code == 200
    events = audit_rows(app, partnership_id=world.partnership)
    actions = [e.action for e in events if e.action != "partnership.viewed"]
    assert actions == ["rating.submitted", "rating.changed", "export.csv"]
    assert all(e.actor_id == world.patient and e.remote_addr == PATIENT_ADDRESS for e in events)
    assert events[0].detail == f"session of {day.isoformat()}"
    assert not any("Felt heard" in (e.detail or "") for e in events)


def test_a_refused_rating_is_not_recorded(app, world):
    """Only a successful save is an event."""
    client = client_as(app, "pat@example.org")
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today(), mutuality=11))
    assert audit_rows(app, action="rating.submitted") == []


def test_a_view_is_recorded_once_per_login(app, world):
    """Viewing the partnership is recorded, but not again on every reload."""
    client = client_as(app, "tara@example.org")
    for _ in range(3):
        client.get(f"/partnerships/{world.partnership}/")
    assert len(audit_rows(app, action="partnership.viewed", actor_id=world.therapist)) == 1
    client_as(app, "tara@example.org").get(f"/partnerships/{world.partnership}/")
    assert len(audit_rows(app, action="partnership.viewed", actor_id=world.therapist)) == 2


def test_account_changes_are_recorded(app, world, runner):
    """Password change, administrator reset, disable and enable, data download."""
    client = client_as(app, "pat@example.org")
    new = "a walk along the quiet river"
    client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    client.get("/account/data.json")
    runner.invoke(args=["user", "reset-password", "--email", "pat@example.org", "--password", "lanterns over the bay"])
    runner.invoke(args=["user", "disable", "--email", "pat@example.org"])
    runner.invoke(args=["user", "enable", "--email", "pat@example.org"])
    events = [(e.action, e.actor_id, e.subject_id) for e in audit_rows(app) if e.action.startswith("account.")]
    assert events == [
        ("account.password_changed", world.patient, None),
        ("account.data_downloaded", world.patient, None),
        ("account.password_reset", None, world.patient),
        ("account.disabled", None, world.patient),
        ("account.enabled", None, world.patient),
    ]


def test_the_log_cannot_be_changed_through_the_orm(app, world):
    """Updating or deleting an event, one by one or in bulk, is refused in code."""
    with app.app_context():
        event = record("login.succeeded", user=None)
        db.session.commit()
        event.action = "something else"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        event = db.session.get(AuditEvent, event.id)
        db.session.delete(event)
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(sa.update(AuditEvent).values(detail="x"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(sa.delete(AuditEvent))
        db.session.rollback()
        assert db.session.get(AuditEvent, event.id).action == "login.succeeded"


def test_the_database_itself_refuses_changes(app, world):
    """Plain SQL, past the ORM, is refused by a trigger (PostgreSQL and SQLite alike)."""
    with app.app_context():
        event = record("login.succeeded", user=None)
        db.session.commit()
        event_id = event.id
        for statement in (
            "UPDATE audit_events SET action = 'forged'",
            "UPDATE audit_events SET remote_addr = '10.9.9.9'",
            "DELETE FROM audit_events",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        assert db.session.get(AuditEvent, event_id).action == "login.succeeded"


def _activity(client) -> str:
    """The activity page's text."""
    response = client.get("/account/activity")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_patient_reads_who_viewed_or_exported_their_data(app, world):
    """The patient sees the therapist's views and exports, by name, but not the therapist's address."""
    therapist = client_as(app, "tara@example.org", REMOTE_ADDR=THERAPIST_ADDRESS)
    therapist.get(f"/partnerships/{world.partnership}/")
    therapist.get(f"/partnerships/{world.partnership}/export.csv")
    outsider = client_as(app, "omar@example.org")
    outsider.get(f"/partnerships/{world.other_partnership}/export.csv")
    page = _activity(client_as(app, "pat@example.org", REMOTE_ADDR=PATIENT_ADDRESS))
    assert "Dr Tara Therapist (therapist)" in page
    assert "viewed the partnership" in page and "exported the ratings as CSV" in page
    assert THERAPIST_ADDRESS not in page
    assert PATIENT_ADDRESS in page  # their own login
    assert "Dr Omar Other" not in page


def test_the_therapist_reads_the_log_of_their_partnerships(app, world):
    """The therapist sees the patient's rating, and nothing of other therapists' partnerships."""
    patient = client_as(app, "pat@example.org")
    patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today()))
    client_as(app, "quinn@example.org").post(
        f"/partnerships/{world.other_partnership}/rate", data=rating_form(date.today())
    )
    page = _activity(client_as(app, "tara@example.org"))
    assert "Pat Patient (patient)" in page and "submitted a rating" in page
    assert "Quinn" not in page


def test_attempts_on_my_account_are_shown_to_me(app, world):
    """A failed login on the patient's account appears in their log, with the address it came from."""
    stranger = app.test_client()
    stranger.post(
        "/login",
        data={"email": "pat@example.org", "password": "guessing a password"},
        environ_base={"REMOTE_ADDR": "192.0.2.66"},
    )
    page = _activity(client_as(app, "pat@example.org"))
    assert "failed to log in" in page and "192.0.2.66" in page
    assert "192.0.2.66" not in _activity(client_as(app, "tara@example.org"))


def test_activity_filter_ignores_partnerships_that_are_not_mine(app, world):
    """?partnership= of someone else's partnership shows only the reader's own log."""
    client_as(app, "omar@example.org").get(f"/partnerships/{world.other_partnership}/")
    page = client_as(app, "tara@example.org").get(f"/account/activity?partnership={world.other_partnership}")
    assert "Dr Omar Other" not in page.get_data(as_text=True)


def test_forwarded_address_is_trusted_only_from_configured_proxies(new_app):
    """Behind TRUSTED_PROXY_COUNT=1 the client's address comes from X-Forwarded-For; otherwise never."""
    from tests.factories import add_user

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.50")):
        app = new_app(TRUSTED_PROXY_COUNT=proxies)
        with app.app_context():
            add_user("Dr Tara Therapist", "tara@example.org", "therapist")
        app.test_client().post(
            "/login",
            data={"email": "tara@example.org", "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.50"},
        )
        (event,) = audit_rows(app, action="login.succeeded")
        assert event.remote_addr == expected
