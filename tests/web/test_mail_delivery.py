"""Delivery: the server down and back, mail without a server (log and files), privacy of every kind of mail."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.notifications.service import alert_therapist
from tests.factories import PATIENT, THERAPIST, rating_form, store_ratings, weekly_dates
from tests.helpers import client_as, deliver, html_body, outbox, text_body, text_of

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday


def _cause_invites(app, n: int) -> None:
    """``n`` "New partnership" forms, each with a patient email."""
    therapist = client_as(app, THERAPIST)
    for i in range(n):
        form = {"patient_name": f"P{i}", "started_on": T0.date().isoformat(), "patient_email": f"p{i}@example.org"}
        assert therapist.post("/partnerships/new", data=form).status_code == 302


def test_while_the_server_is_down_nothing_is_lost_and_each_mail_arrives_once(mail_app, mail_server, world):
    mail_app.config["NOW"] = T0
    mail_server.stop()
    _cause_invites(mail_app, 20)
    report = deliver(mail_app)
    assert (report.sent, report.retried) == (0, 20)
    rows = outbox(mail_app)
    assert {r.status for r in rows} == {"pending"} and all("could not be reached" in r.last_error for r in rows)
    # The therapist sees that it is waiting, and why.
    page = text_of(client_as(mail_app, THERAPIST).get("/partnerships/3/"))
    assert "waiting to be sent" in page and "trying again" in page
    # Backoff: not before the retry time (30 s after the first attempt).
    mail_server.start()
    assert deliver(mail_app).handled == 0
    mail_app.config["NOW"] = T0 + timedelta(seconds=31)
    assert deliver(mail_app).sent == 20
    received = mail_server.wait_for(20)
    assert len(received) == 20
    assert len({m["Message-ID"] for m in received}) == 20
    assert sorted(m["To"] for m in received) == sorted(f"p{i}@example.org" for i in range(20))
    assert deliver(mail_app).handled == 0  # nothing left, nothing sent twice
    assert {r.status for r in outbox(mail_app)} == {"sent"}


def test_the_backoff_doubles_and_gives_up_after_the_last_attempt(mail_app, mail_server, world):
    mail_app.config.update(NOW=T0, MAIL_MAX_ATTEMPTS=3)
    mail_server.stop()
    _cause_invites(mail_app, 1)
    waits = []
    for _ in range(3):
        deliver(mail_app)
        row = outbox(mail_app)[0]
        if row.status == "pending":
            waits.append((row.next_attempt_at.replace(tzinfo=UTC) - mail_app.config["NOW"]).total_seconds())
            mail_app.config["NOW"] = row.next_attempt_at.replace(tzinfo=UTC)
    assert waits == [30, 60]
    row = outbox(mail_app)[0]
    assert row.status == "failed" and row.attempts == 3


def test_without_a_mail_server_each_mail_goes_to_the_log_and_a_file(app, world, caplog):
    _cause_invites(app, 1)
    with caplog.at_level(logging.WARNING, logger="partnertrack.mail"):
        assert deliver(app).sent == 1
    [record] = [r for r in caplog.records if r.name == "partnertrack.mail"]
    assert "no MAIL_SERVER is set" in record.getMessage()
    assert "http://localhost/join/" in record.getMessage()
    from pathlib import Path

    files = list(Path(app.config["MAIL_FILE_FOLDER"]).glob("*.eml"))
    assert len(files) == 1
    assert b"Subject: You are invited to PartnerTrack" in files[0].read_bytes()


FORBIDDEN = (
    "Tara",  # the therapist's name
    "Pat",  # the patient's name
    "Zebulon",  # the patient name the therapist uses
    "mother",  # a concern
    "SleepGoal",  # a goal
    "commentword",  # a comment
    "Mutuality",
    "Alliance",
)


def test_no_mail_of_any_kind_carries_names_scores_comments_concerns_or_goals(mail_app, mail_server, world):
    from partnertrack.goals.service import add_goal

    with mail_app.app_context():
        partnership = db.session.get(Partnership, world.partnership)
        partnership.patient_name = "Zebulon"
        add_goal(partnership, "patient", None, "SleepGoal through the night")
        db.session.commit()
    mail_app.config["NOW"] = T0
    store_ratings(
        mail_app,
        world.partnership,
        [
            (
                d,
                "patient",
                dict.fromkeys(
                    (
                        "mutuality",
                        "collaboration",
                        "responsiveness",
                        "feedback",
                        "rupture_repair",
                        "termination_readiness",
                    ),
                    3,
                ),
            )
            for d in weekly_dates(3, date(2026, 11, 22))
        ],
    )
    therapist, patient = client_as(mail_app, THERAPIST), client_as(mail_app, PATIENT)
    therapist.post("/account/notifications", data={"alerts": "y", "digest": "y", "time_zone": "UTC"})
    therapist.post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(date(2026, 11, 29), comment="commentword")
    )
    patient.post(
        f"/partnerships/{world.partnership}/rate",
        data=rating_form(
            date(2026, 11, 29) - timedelta(days=1),
            rupture_choice="raised",
            concern_text="mother",
            comment="commentword",
        ),
    )
    with mail_app.app_context():
        alert_therapist(db.session.get(Partnership, world.partnership), "talk_soon")
        db.session.commit()
    mail_app.test_client().post("/reset-password", data={"email": PATIENT})
    client_as(mail_app, THERAPIST).post(
        "/partnerships/new",
        data={"patient_name": "Zebulon Two", "started_on": "2026-11-30", "patient_email": "z@example.org"},
    )
    deliver(mail_app)
    mail_app.config["NOW"] = T0 + timedelta(hours=49)
    deliver(mail_app)
    mail_app.config["NOW"] = T0 + timedelta(days=7)
    deliver(mail_app)
    kinds = {row.kind for row in outbox(mail_app) if row.status == "sent"}
    assert kinds == {"invite", "form_link", "reminder", "alert", "digest", "password_reset"}
    for message in mail_server.messages:
        seen = " ".join((message["Subject"], text_body(message), html_body(message)))
        assert [word for word in FORBIDDEN if word in seen] == [], message["Subject"]
        assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None


def test_a_mail_that_cannot_be_written_is_retried_and_the_others_still_go(mail_app, mail_server, world):
    from partnertrack.core.outbox import enqueue, register_renderer

    def broken(_message):
        """A renderer with a bug in it."""
        raise KeyError("subject")

    register_renderer(mail_app, "broken", broken)
    mail_app.config["NOW"] = T0
    with mail_app.app_context(), mail_app.test_request_context():
        enqueue("no_such_kind_of_mail", "x@example.org")  # no renderer: skipped with a reason
        enqueue("broken", "y@example.org")  # the renderer fails on it
        db.session.commit()
    _cause_invites(mail_app, 1)
    report = deliver(mail_app)
    assert (report.sent, report.skipped, report.retried) == (1, 1, 1)
    broken = outbox(mail_app, to_address="y@example.org")[0]
    assert broken.status == "pending" and "could not be written" in broken.last_error
