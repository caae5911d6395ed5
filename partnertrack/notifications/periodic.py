"""Mail that time causes: the one reminder for a form still owed, and the weekly digest.

The worker runs both every minute (core/tasks.register_periodic); tests call them with the
app's clock set. Both are safe when two workers run them at once: a reminder is a form link
of purpose "reminder", at most one per session, and a digest needs a new row of
digest_marks (user, ISO week); each is inserted with ON CONFLICT DO NOTHING and only the
worker that inserted it records the mail.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from partnertrack.core.clock import now, today
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.outbox import enqueue
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.notifications.links import issue_form_link, patient_has_rated
from partnertrack.notifications.models import DigestMark, FormLink, NotificationSettings
from partnertrack.notifications.schedule import digest_due, in_quiet_hours, iso_week
from partnertrack.notifications.settings import time_zone_of, wants
from partnertrack.ruptures.models import RuptureEntry

# Forms owed in the digest: sessions of the last four weeks older than a day, not rated by both.
DIGEST_LOOKBACK_DAYS = 28


def _quiet() -> tuple[int, int]:
    """The configured quiet hours (start, end)."""
    start, end = current_app.config["QUIET_HOURS"]
    return int(start), int(end)


def _reminder_candidates() -> list[FormLink]:
    """First form links mailed between REMINDER_AFTER_HOURS and FORM_LINK_HOURS ago, unused, without a reminder."""
    moment, cfg = now(), current_app.config
    reminder = aliased(FormLink)
    return db.session.scalars(
        sa.select(FormLink)
        .where(
            FormLink.purpose == "link",
            FormLink.used_at.is_(None),
            FormLink.created_at <= moment - timedelta(hours=cfg["REMINDER_AFTER_HOURS"]),
            FormLink.created_at > moment - timedelta(hours=cfg["FORM_LINK_HOURS"]),
            ~sa.exists().where(reminder.session_id == FormLink.session_id, reminder.purpose == "reminder"),
        )
        .order_by(FormLink.id)
    ).all()


def send_due_reminders() -> int:
    """Record one reminder per form still owed 48 hours on, outside the patient's quiet hours; how many."""
    sent = 0
    for link in _reminder_candidates():
        partnership = link.therapy_session.partnership
        if partnership.read_only or partnership.patient_id != link.user_id or patient_has_rated(link.session_id):
            continue
        if not wants(link.user_id, "reminders") or in_quiet_hours(now(), time_zone_of(link.user_id), _quiet()):
            continue  # asked again at the next turn: after 08:00, or never once the form is in
        reminder = issue_form_link(link.therapy_session, link.user_id, purpose="reminder")
        if reminder is None:
            continue  # another worker got there first
        enqueue(
            "reminder",
            link.user.email,
            {"link_id": reminder.id},
            user_id=link.user_id,
            partnership_id=partnership.id,
            ref=f"reminder:{link.session_id}",
        )
        sent += 1
    return sent


def digest_counts(therapist_id: int) -> dict[str, int]:
    """What the digest says: forms owed (by either party) and signals and concerns new this week."""
    day = today()
    rated = sa.select(sa.func.count(Rating.id)).where(Rating.session_id == TherapySession.id).scalar_subquery()
    forms_owed = db.session.scalar(
        sa.select(sa.func.count(TherapySession.id))
        .join(Partnership, Partnership.id == TherapySession.partnership_id)
        .where(
            Partnership.therapist_id == therapist_id,
            Partnership.status.in_(("active", "ending")),
            TherapySession.date <= day - timedelta(days=1),
            TherapySession.date >= day - timedelta(days=DIGEST_LOOKBACK_DAYS),
            rated < 2,
        )
    )
    new_signals = db.session.scalar(
        sa.select(sa.func.count(RuptureEntry.id))
        .join(Partnership, Partnership.id == RuptureEntry.partnership_id)
        .where(
            Partnership.therapist_id == therapist_id,
            Partnership.status.in_(("active", "ending")),  # an ended partnership's log is history, not news
            RuptureEntry.created_at >= now() - timedelta(days=7),
        )
    )
    return {"forms_owed": forms_owed or 0, "new_signals": new_signals or 0}


def send_due_digests() -> int:
    """Record this week's digest for each therapist who asked for one, on Monday in their zone; how many."""
    therapists = db.session.scalars(
        sa.select(User)
        .join(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(NotificationSettings.digest.is_(True), User.role == "therapist", User.active.is_(True))
        .order_by(User.id)
    ).all()
    sent = 0
    for therapist in therapists:
        tz = time_zone_of(therapist.id)
        if not digest_due(now(), tz, _quiet()):
            continue
        week = iso_week(now(), tz)
        if not insert_ignoring_duplicates(DigestMark, {"user_id": therapist.id, "week": week}, ("user_id", "week")):
            continue
        enqueue("digest", therapist.email, {"week": week, **digest_counts(therapist.id)}, user_id=therapist.id)
        sent += 1
    return sent
