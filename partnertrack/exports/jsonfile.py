"""The JSON export: everything one party may see of a partnership (schema: docs/export-schema.md).

Ratings follow the reveal rule exactly as on the page and in the CSV: the
viewer's own, and the partner's once the session is revealed. Goal progress
travels inside the rating it was given with, so it follows the same rule.
Goals, the rupture log and the ending review are shared by both parties and
exported whole.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from partnertrack.core.clock import as_utc, utcnow
from partnertrack.core.roles import Role
from partnertrack.goals.service import goals_of, visible_progress
from partnertrack.models import Partnership
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.records import timeline_for
from partnertrack.review.service import review_of
from partnertrack.ruptures.service import entry_views
from partnertrack.sessions.service import appointments

FORMAT = "partnertrack-partnership-export"
VERSION = 1


def _when(value: datetime | date | None) -> str | None:
    """ISO 8601: a date as YYYY-MM-DD, a timestamp in UTC with its offset."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat()


def _sessions(partnership: Partnership, role: str) -> list[dict[str, Any]]:
    """Every session with the ratings ``role`` may see, each with its goal progress."""
    progress: dict[tuple[int, str], list[dict[str, int]]] = {}
    for p in visible_progress(partnership, role):
        progress.setdefault((p.session_number, p.rater), []).append({"goal_id": p.goal_id, "progress": p.progress})
    return [
        {
            "number": v.number,
            "date": _when(v.date),
            "revealed": v.revealed,
            "rated_by": sorted(v.rated_by),
            "ratings": [
                {
                    "rater": r.rater,
                    "scores": {key: r.scores.get(key) for key in FACTOR_KEYS},
                    "alliance_index": r.alliance_index,
                    "comment": r.comment or None,
                    "goal_progress": progress.get((v.number, r.rater), []),
                }
                for r in v.visible
            ],
        }
        for v in timeline_for(partnership, role)
    ]


def _goals(partnership: Partnership) -> list[dict[str, Any]]:
    """Every goal with its full revision history, in the order the goals were set."""
    return [
        {
            "id": g.id,
            "text": g.text,
            "status": g.status,
            "created_by": g.created_by,
            "created_at": _when(g.created_at),
            "revisions": [
                {
                    "action": r.action,
                    "text": r.text,
                    "status": r.status,
                    "changed_by": r.changed_by,
                    "changed_at": _when(r.changed_at),
                }
                for r in g.revisions
            ],
        }
        for g in sorted(goals_of(partnership), key=lambda g: g.id)
    ]


def _ruptures(partnership: Partnership) -> list[dict[str, Any]]:
    """The rupture log with notes, oldest entry first."""
    return [
        {
            "id": v.entry.id,
            "source": v.entry.source,
            "party": v.entry.party,
            "status": v.entry.status,
            "session_number": v.session_number,
            "detail": v.entry.english_detail,
            "strong": v.entry.strong,
            "recovered_session_number": v.recovered_number,
            "sessions_to_recover": v.sessions_to_recover,
            "created_at": _when(v.entry.created_at),
            "repaired_at": _when(v.entry.repaired_at),
            "notes": [
                {
                    "author": n.author,
                    "text": n.text,
                    "status_from": n.status_from,
                    "status_to": n.status_to,
                    "kind": n.kind,
                    "created_at": _when(n.created_at),
                }
                for n in v.entry.notes
            ],
        }
        for v in sorted(entry_views(partnership), key=lambda v: v.entry.id)
    ]


def _review(partnership: Partnership) -> dict[str, Any] | None:
    """The ending review with both parties' notes, or None when it was never opened."""
    review = review_of(partnership)
    if review is None:
        return None
    parties = {}
    for role in (Role.PATIENT, Role.THERAPIST):
        progress, undone = review.notes_of(role)
        parties[role] = {
            "progress_made": progress or None,
            "left_undone": undone or None,
            "agreed_at": _when(review.agreed_at(role)),
        }
    return {
        "status": review.status,
        "opened_by": review.opened_by,
        "opened_at": _when(review.opened_at),
        "closed_by": review.closed_by,
        "closed_at": _when(review.closed_at),
        "completed_at": _when(review.completed_at),
        "parties": parties,
    }


def document(partnership: Partnership, role: str) -> dict[str, Any]:
    """The whole export for ``role`` as plain JSON-ready data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(utcnow()),
        "viewer_role": role,
        "partnership": {
            "id": partnership.id,
            "status": partnership.status,
            "started_on": _when(partnership.started_on),
            "patient_name": partnership.patient_name,
            "therapist_name": partnership.therapist.name,
        },
        "sessions": _sessions(partnership, role),
        "appointments": appointments(partnership),
        "goals": _goals(partnership),
        "ruptures": _ruptures(partnership),
        "review": _review(partnership),
    }
