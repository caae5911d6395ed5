"""Mail that time or a patient causes: one reminder at 48 hours outside quiet hours, alerts, the weekly digest.

Time moves through the app's clock (config NOW); the worker runs in this process (``deliver``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.notifications.service import alert_therapist
from tests.factories import PATIENT, THERAPIST, rating_form
from tests.helpers import client_as, deliver, link_in, outbox, path_of, text_body, text_of

# A Monday, 10:00 UTC: the session was the day before, the therapist rated it at once.
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SESSION = date(2026, 11, 29)


@pytest.fixture
def rated(mail_app, mail_server, world):
    """The therapist rated SESSION at T0; the form link went out. Returns a function setting the clock."""
    mail_app.config["NOW"] = T0

    def at(moment: datetime) -> None:
        """Move the app's clock."""
        mail_app.config["NOW"] = moment

    therapist = client_as(mail_app, THERAPIST)
    assert therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(SESSION)).status_code == 302
    assert deliver(mail_app).sent == 1
    return at


def _reminders(app) -> list:
    """The reminder rows of the outbox."""
    return outbox(app, kind="reminder")


def test_one_reminder_48_hours_later_and_never_a_second(rated, mail_app, mail_server):
    rated(T0 + timedelta(hours=47, minutes=59))
    deliver(mail_app)
    assert _reminders(mail_app) == []
    rated(T0 + timedelta(hours=48))
    assert deliver(mail_app).sent == 1
    message = mail_server.wait_for(2)[1]
    assert message["To"] == PATIENT
    assert message["Subject"] == "A reminder: a form is waiting for you in PartnerTrack"
    assert "the only reminder" in text_body(message)
    for hours in (49, 60, 71):
        rated(T0 + timedelta(hours=hours))
        deliver(mail_app)
    assert len(_reminders(mail_app)) == 1
    # The reminder's own link opens the form.
    opened = mail_app.test_client().get(path_of(link_in(message, "/form/")))
    assert opened.status_code == 302 and "rate?date=2026-11-29" in opened.headers["Location"]


def test_never_between_21_and_8_in_the_patients_time_zone(rated, mail_app, mail_server, world):
    patient = client_as(mail_app, PATIENT)
    # 48 hours on is 10:00 UTC, which is 21:00 in Nouméa (UTC+11, no summer time).
    settings = {"form_links": "y", "reminders": "y", "time_zone": "Pacific/Noumea"}
    assert patient.post("/account/notifications", data=settings).status_code == 302
    for hours in (48, 52, 58, 59, 70):  # 21:00, 01:00, 07:00 local: quiet; 08:00 (hour 59): sent
        rated(T0 + timedelta(hours=hours))
        deliver(mail_app)
        sent = [r for r in _reminders(mail_app) if r.status == "sent"]
        assert bool(sent) == (hours >= 59), hours
    assert len(_reminders(mail_app)) == 1


def test_no_reminder_once_the_form_is_in(rated, mail_app, world):
    rated(T0 + timedelta(hours=30))
    patient = client_as(mail_app, PATIENT)
    assert patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(SESSION)).status_code == 302
    rated(T0 + timedelta(hours=50))
    deliver(mail_app)
    assert _reminders(mail_app) == []


def test_no_reminder_when_the_patient_turned_reminders_off(rated, mail_app):
    client_as(mail_app, PATIENT).post("/account/notifications", data={"form_links": "y", "time_zone": "UTC"})
    rated(T0 + timedelta(hours=50))
    deliver(mail_app)
    assert _reminders(mail_app) == []


def test_a_concern_raised_by_the_patient_alerts_the_therapist_at_once(mail_app, mail_server, world):
    patient = client_as(mail_app, PATIENT)
    concern = "My therapist dismissed what I said about my mother"
    form = rating_form(
        date.today() - timedelta(days=1), rupture_choice="raised", concern_text=concern, comment="Secret words"
    )
    assert patient.post(f"/partnerships/{world.partnership}/rate", data=form).status_code == 302
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    assert message["To"] == THERAPIST
    assert message["Subject"] == "Please look at PartnerTrack soon"
    body = text_body(message)
    assert "flagged something about a session" in body
    for secret in ("mother", "dismissed", "Secret words", "Pat"):
        assert secret not in body
    assert path_of(link_in(message, "/partnerships/")) == f"/partnerships/{world.partnership}/"


def test_a_concern_raised_on_the_rupture_log_alerts_too_but_not_the_therapists_own(mail_app, world):
    patient = client_as(mail_app, PATIENT)
    assert patient.post(f"/partnerships/{world.partnership}/ruptures/new", data={"text": "Rushed"}).status_code == 302
    therapist = client_as(mail_app, THERAPIST)
    assert therapist.post(f"/partnerships/{world.partnership}/ruptures/new", data={"text": "Rushed"}).status_code == 302
    assert [row.to_address for row in outbox(mail_app, kind="alert")] == [THERAPIST]


def test_a_request_to_talk_soon_alerts_the_therapist(mail_app, mail_server, world):
    with mail_app.app_context():
        partnership = db.session.get(Partnership, world.partnership)
        alert_therapist(partnership, "talk_soon")
        alert_therapist(partnership, "talk_soon")  # asked twice before the mail went: one mail says it
        alert_therapist(partnership, "concern")
        db.session.commit()
    assert deliver(mail_app).sent == 2
    talk, concern = mail_server.wait_for(2)
    assert "asked to talk with you soon" in text_body(talk)
    assert "flagged something about a session" in text_body(concern)
    with mail_app.app_context():
        alert_therapist(db.session.get(Partnership, world.partnership), "talk_soon")  # after it went: a new one
        db.session.commit()
    assert deliver(mail_app).sent == 1


def test_alerts_can_be_turned_off(mail_app, world):
    client_as(mail_app, THERAPIST).post("/account/notifications", data={"digest": "", "time_zone": "UTC"})
    client_as(mail_app, PATIENT).post(f"/partnerships/{world.partnership}/ruptures/new", data={"text": "Rushed"})
    assert deliver(mail_app).skipped == 1
    assert outbox(mail_app, kind="alert")[0].last_error == "Not sent: the recipient turned these emails off."


def test_the_weekly_digest_is_off_by_default_then_weekly_once(mail_app, mail_server, world):
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    mail_app.config["NOW"] = monday
    deliver(mail_app)
    assert outbox(mail_app, kind="digest") == []
    therapist = client_as(mail_app, THERAPIST)
    page = therapist.get("/account/notifications")
    assert "A weekly summary on Monday" in text_of(page)
    therapist.post("/account/notifications", data={"alerts": "y", "digest": "y", "time_zone": "UTC"})
    client_as(mail_app, PATIENT).post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(date(2026, 11, 23), comment="Private")
    )
    mail_app.config["NOW"] = monday + timedelta(hours=2)
    deliver(mail_app)
    mail_app.config["NOW"] = monday + timedelta(hours=5)
    deliver(mail_app)
    digests = outbox(mail_app, kind="digest")
    assert len(digests) == 1 and digests[0].status == "sent"
    message = mail_server.to(THERAPIST)[-1]
    assert message["Subject"] == "Your weekly PartnerTrack summary"
    assert "Forms still owed: 1" in text_body(message)
    assert "Private" not in text_body(message) and "Pat" not in text_body(message)
    mail_app.config["NOW"] = monday + timedelta(days=1)  # Tuesday: nothing
    deliver(mail_app)
    mail_app.config["NOW"] = monday + timedelta(days=7)  # next Monday: the next one
    deliver(mail_app)
    assert len(outbox(mail_app, kind="digest")) == 2


def test_a_reminder_held_up_by_the_mail_server_waits_for_the_morning(rated, mail_app, mail_server):
    mail_server.stop()
    rated(T0 + timedelta(hours=48))  # 10:00 UTC, daytime in UTC
    deliver(mail_app)
    [row] = _reminders(mail_app)
    assert row.status == "pending" and row.attempts == 1
    mail_server.start()
    rated(T0 + timedelta(hours=48 + 11, minutes=30))  # 21:30 UTC: quiet hours now
    report = deliver(mail_app)
    assert (report.sent, report.deferred) == (0, 1)
    [row] = _reminders(mail_app)
    assert row.next_attempt_at.replace(tzinfo=UTC) == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    assert row.attempts == 1  # putting it off is not a failed attempt
    rated(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
    assert deliver(mail_app).sent == 1
