"""Reading ratings: every session of a partnership as one party may see it (its timeline)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app

from partnertrack.core.clock import today
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.reveal import (
    RatingRecord,
    SessionRecord,
    SessionView,
    session_views,
)


def load_records(partnership_ids: Iterable[int]) -> dict[int, list[SessionRecord]]:
    """Sessions and ratings of many partnerships as plain data, in one query.

    One joined query instead of ORM relationship loading keeps every page at a
    fixed number of statements, whatever the caseload or the number of sessions.
    """
    ids = list(partnership_ids)
    found: dict[int, dict[date, dict[str, RatingRecord]]] = {pid: {} for pid in ids}
    if not ids:
        return {}
    score_columns = [getattr(Rating, key) for key in FACTOR_KEYS]
    rows = db.session.execute(
        db.select(TherapySession.partnership_id, TherapySession.date, Rating.rater, Rating.comment, *score_columns)
        .outerjoin(Rating, Rating.session_id == TherapySession.id)
        .where(TherapySession.partnership_id.in_(ids))
        .order_by(TherapySession.partnership_id, TherapySession.date)
    )
    for pid, day, rater, comment, *scores in rows:
        ratings = found[pid].setdefault(day, {})
        if rater is not None:
            ratings[rater] = RatingRecord(dict(zip(FACTOR_KEYS, scores, strict=True)), comment or "")
    return {pid: [SessionRecord(day, r) for day, r in days.items()] for pid, days in found.items()}


def timeline_of(records: list[SessionRecord], role: str) -> list[SessionView]:
    """Sessions as ``role`` may see them today under the reveal rule."""
    return session_views(records, role, today(), current_app.config["REVEAL_AFTER_DAYS"])


def timeline_for(partnership: Partnership, role: str) -> list[SessionView]:
    """Every session of one partnership as ``role`` may see it."""
    return timeline_of(load_records([partnership.id])[partnership.id], role)
