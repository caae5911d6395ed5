"""'Download all my data': everything PartnerTrack holds about the user, as plain data.

It follows the same visibility rule as every page: the user's own ratings and
their partner's once revealed; goals (shared by both); the concerns, notes and
ending-review notes the user wrote; and the activity log about them.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from partnertrack.core.audit import AuditEvent
from partnertrack.core.clock import utcnow
from partnertrack.extensions import db
from partnertrack.goals.models import Goal
from partnertrack.models import Partnership, User
from partnertrack.notifications.settings import settings_for
from partnertrack.ratings.records import timeline_for
from partnertrack.review.models import Review
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from partnertrack.sessions.service import appointments

FORMAT = "partnertrack-account-export"
VERSION = 1


def _iso(value: date | datetime | None) -> str | None:
    """Dates and times as ISO 8601 text."""
    return value.isoformat() if value is not None else None


def build_export(user: User) -> dict:
    """The whole export document for ``user``."""
    partnerships = db.session.scalars(
        sa.select(Partnership)
        .where(sa.or_(Partnership.therapist_id == user.id, Partnership.patient_id == user.id))
        .order_by(Partnership.id)
    ).all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "active": user.active,
            "created_at": _iso(user.created_at),
        },
        "email_choices": _email_choices(user),
        "partnerships": [_partnership(p, user) for p in partnerships],
        "activity": _activity(user),
    }


def _email_choices(user: User) -> dict:
    """Which mails the user asked for, and their time zone (the defaults where never changed)."""
    settings = settings_for(user.id)
    return {
        "form_links": settings.form_links,
        "reminders": settings.reminders,
        "alerts": settings.alerts,
        "digest": settings.digest,
        "time_zone": settings.time_zone,
    }


def _partnership(partnership: Partnership, user: User) -> dict:
    """One partnership as ``user`` may see it."""
    role = partnership.role_of(user)
    return {
        "id": partnership.id,
        "your_role": role,
        "therapist": partnership.therapist.name,
        "patient_name": partnership.patient_name,
        "status": partnership.status,
        "closed_by_patient": partnership.closed_by_patient,
        "started_on": _iso(partnership.started_on),
        "sessions": [_session(view) for view in timeline_for(partnership, role)],
        "appointments": appointments(partnership),
        "goals": [_goal(g) for g in db.session.scalars(sa.select(Goal).where(Goal.partnership_id == partnership.id))],
        "concerns_and_notes": _rupture_log(partnership.id, role),
        "ending_review": _review(partnership.id, role),
    }


def _session(view) -> dict:
    """A session with the ratings the viewer may see."""
    return {
        "number": view.number,
        "date": _iso(view.date),
        "revealed": view.revealed,
        "ratings": [
            {"rater": r.rater, **r.scores, "alliance_index": r.alliance_index, "comment": r.comment}
            for r in view.visible
        ],
    }


def _goal(goal: Goal) -> dict:
    """A shared goal with every revision."""
    return {
        "text": goal.text,
        "status": goal.status,
        "created_by": goal.created_by,
        "revisions": [
            {"action": r.action, "text": r.text, "status": r.status, "by": r.changed_by, "at": _iso(r.changed_at)}
            for r in goal.revisions
        ],
    }


def _rupture_log(partnership_id: int, role: str) -> list[dict]:
    """The entries about ``role``'s own ratings or concerns, and every note ``role`` wrote."""
    entries = db.session.scalars(
        sa.select(RuptureEntry).where(RuptureEntry.partnership_id == partnership_id).order_by(RuptureEntry.id)
    )
    out = []
    for entry in entries:
        notes = [n for n in entry.notes if n.author == role]
        if entry.party != role and not notes:
            continue
        out.append(
            {
                "source": entry.source,
                "party": entry.party,
                "status": entry.status,
                "detail": entry.english_detail if entry.party == role else None,
                "created_at": _iso(entry.created_at),
                "your_notes": [_note(n) for n in notes],
            }
        )
    return out


def _note(note: RuptureNote) -> dict:
    """One note the user wrote on an entry."""
    return {
        "text": note.text,
        "status_from": note.status_from,
        "status_to": note.status_to,
        "kind": note.kind,  # an answer ("talked", "not_yet"), a proposal or a reply (ruptures/models.NOTE_KINDS)
        "at": _iso(note.created_at),
    }


def _review(partnership_id: int, role: str) -> dict | None:
    """The user's own ending-review notes and agreement, if a review exists."""
    review = db.session.scalar(sa.select(Review).where(Review.partnership_id == partnership_id))
    if review is None:
        return None
    progress, left_undone = review.notes_of(role)
    return {
        "status": review.status,
        "your_progress_made": progress,
        "your_left_undone": left_undone,
        "you_agreed_at": _iso(review.agreed_at(role)),
    }


def _activity(user: User) -> list[dict]:
    """The audit events the user did or that concern their account."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(sa.or_(AuditEvent.actor_id == user.id, AuditEvent.subject_id == user.id))
        .order_by(AuditEvent.id)
    )
    return [
        {
            "at": _iso(e.created_at),
            "action": e.action,
            "partnership_id": e.partnership_id,
            "detail": e.detail,
            "address": e.remote_addr,
        }
        for e in events
    ]
