"""Each person's email choices on the account page, and one-click unsubscribe from every mail."""

from __future__ import annotations

from datetime import date

from partnertrack.notifications.models import MailSuppression, NotificationSettings
from tests.factories import PATIENT, THERAPIST, YESTERDAY, rating_form
from tests.helpers import client_as, count, deliver, link_in, outbox, path_of, table_snapshot, text_of


def _unsubscribe_path(message) -> str:
    """The path of the mail's List-Unsubscribe address."""
    return path_of(message["List-Unsubscribe"].strip("<>"))


def test_the_account_page_offers_each_kind_for_the_role(mail_app, world):
    patient = text_of(client_as(mail_app, PATIENT).get("/account/notifications"))
    assert "A link to the form after each session" in patient and "One reminder" in patient
    assert "weekly summary" not in patient.lower() and "alert" not in patient.lower()
    therapist = text_of(client_as(mail_app, THERAPIST).get("/account/notifications"))
    assert "An alert when a patient raises a concern" in therapist and "A weekly summary on Monday" in therapist
    assert "Choose your emails" in text_of(client_as(mail_app, PATIENT).get("/account/"))


def test_a_patient_who_turned_form_links_off_gets_none_and_the_therapist_sees_why(mail_app, mail_server, world):
    patient = client_as(mail_app, PATIENT)
    assert (
        patient.post("/account/notifications", data={"reminders": "y", "time_zone": "Europe/Berlin"}).status_code == 302
    )
    therapist = client_as(mail_app, THERAPIST)
    therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    assert deliver(mail_app).skipped == 1
    assert mail_server.messages == []
    assert "not sent. Not sent: the recipient turned these emails off." in text_of(
        therapist.get(f"/partnerships/{world.partnership}/")
    )


def test_an_unknown_time_zone_is_refused_and_nothing_is_stored(mail_app, world):
    before = table_snapshot(mail_app)
    response = client_as(mail_app, PATIENT).post("/account/notifications", data={"time_zone": "Mars/Olympus"})
    assert response.status_code == 422 and "Please choose a time zone from the list" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_one_click_unsubscribe_turns_that_kind_off(mail_app, mail_server, world):
    client_as(mail_app, THERAPIST).post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    deliver(mail_app)
    [message] = mail_server.wait_for(1)
    path = _unsubscribe_path(message)
    # A link checker's GET changes nothing; it asks first.
    visitor = mail_app.test_client()
    asked = visitor.get(path)
    assert asked.status_code == 200 and "Stop these emails?" in text_of(asked)
    assert count(mail_app, NotificationSettings) == 0
    # The mail client's one-click POST (RFC 8058), without any login or form token.
    mail_app.config["WTF_CSRF_ENABLED"] = True
    done = visitor.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in text_of(done)
    with mail_app.app_context():
        from partnertrack.extensions import db

        settings = db.session.get(NotificationSettings, world.patient)
        assert (settings.form_links, settings.reminders) == (False, True)


def test_an_altered_unsubscribe_link_changes_nothing(mail_app, mail_server, world):
    client_as(mail_app, THERAPIST).post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    deliver(mail_app)
    path = _unsubscribe_path(mail_server.wait_for(1)[0])
    before = table_snapshot(mail_app)
    response = mail_app.test_client().post(path[:-4] + "abcd")
    assert response.status_code == 404 and "not valid" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_an_invitee_who_unsubscribes_gets_no_further_invites(mail_app, mail_server, world):
    therapist = client_as(mail_app, THERAPIST)
    form = {"patient_name": "Zoe", "started_on": date.today().isoformat(), "patient_email": "zoe@example.org"}
    location = therapist.post("/partnerships/new", data=form).headers["Location"]
    deliver(mail_app)
    mail_app.test_client().post(_unsubscribe_path(mail_server.wait_for(1)[0]))
    assert count(mail_app, MailSuppression) == 1
    with mail_app.app_context():
        from partnertrack.extensions import db

        assert "zoe" not in repr(db.session.scalars(db.select(MailSuppression.address_hash)).all())
    therapist.post(location + "invite", data={"patient_email": "Zoe@Example.org"})
    assert deliver(mail_app).skipped == 1
    assert "asked not to get invitations" in text_of(therapist.get(location))
    assert len(mail_server.messages) == 1


def test_the_password_reset_mail_unsubscribes_from_everything_optional(mail_app, mail_server, world):
    mail_app.test_client().post("/reset-password", data={"email": THERAPIST})
    deliver(mail_app)
    mail_app.test_client().post(_unsubscribe_path(mail_server.wait_for(1)[0]))
    with mail_app.app_context():
        from partnertrack.extensions import db

        settings = db.session.get(NotificationSettings, world.therapist)
        assert not any((settings.form_links, settings.reminders, settings.alerts, settings.digest))
    assert outbox(mail_app)[0].kind == "password_reset"


def test_a_deleted_patient_leaves_no_address_in_the_outbox(mail_app, mail_server, world):
    from partnertrack.core.outbox import OutboxMessage

    therapist = client_as(mail_app, THERAPIST)
    form = {"patient_name": "Zoe", "started_on": date.today().isoformat(), "patient_email": "zoe@example.org"}
    therapist.post("/partnerships/new", data=form)
    deliver(mail_app)
    invite_path = path_of(link_in(mail_server.wait_for(1)[0], "/join/"))
    joined = mail_app.test_client()
    password = "correct horse battery"
    account = {"name": "Zoe", "email": "zoe@example.org", "password": password, "confirm": password}
    assert joined.post(invite_path, data=account).status_code == 302
    assert count(mail_app, OutboxMessage) == 1
    joined.post("/account/delete", data={"current": "correct horse battery", "understood": "y"})
    assert count(mail_app, OutboxMessage) == 0


def test_finished_mail_is_forgotten_after_the_keeping_period(mail_app, mail_server, world):
    from datetime import UTC, datetime, timedelta

    from partnertrack.core.outbox import OutboxMessage

    client_as(mail_app, THERAPIST).post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    deliver(mail_app)
    mail_app.config["NOW"] = datetime.now(UTC) + timedelta(days=89)
    deliver(mail_app)
    assert count(mail_app, OutboxMessage) == 1
    mail_app.config["NOW"] = datetime.now(UTC) + timedelta(days=91)
    deliver(mail_app)
    assert count(mail_app, OutboxMessage) == 0
