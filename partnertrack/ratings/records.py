"""Reading ratings: every session of a partnership as one party may see it (its timeline)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from partnertrack.core.clock import today
from partnertrack.core.memo import Key, Memo
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.reveal import (
    RatingRecord,
    SessionRecord,
    SessionView,
    session_views,
)
from partnertrack.ruptures.models import RuptureEntry


def load_records(partnership_ids: Iterable[int]) -> dict[int, list[SessionRecord]]:
    """The held sessions and their ratings of many partnerships as plain data, in one query.

    One joined query instead of ORM relationship loading keeps every page at a
    fixed number of statements, whatever the caseload or the number of sessions.
    Planned sessions still to come, and cancelled or missed ones, are not part of it:
    they are neither numbered, nor rated, nor owed (``TherapySession.counted``).
    """
    ids = list(partnership_ids)
    if not ids:
        return {}
    return _records_of(ids, db.session.execute(_records_query(ids)))


def _records_of(ids: list[int], rows: Iterable) -> dict[int, list[SessionRecord]]:
    """The rows of ``_records_query`` as plain sessions and ratings, by partnership id."""
    found: dict[int, dict[int, SessionRecord]] = {pid: {} for pid in ids}
    for pid, sid, day, added_by, rater, comment, raised, *scores in rows:
        record = found[pid].setdefault(sid, SessionRecord(day, {}, sid, added_by))
        if rater is not None:
            scored = dict(zip(FACTOR_KEYS, scores, strict=True))
            record.ratings[rater] = RatingRecord(scored, comment or "", bool(raised))
    return {pid: list(sessions.values()) for pid, sessions in found.items()}


def _records_query(ids: list[int]) -> sa.Select:
    """Every counted session of ``ids`` joined to its ratings, with whether the rater raised a concern there."""
    concern = (
        sa.exists()
        .where(
            RuptureEntry.session_id == TherapySession.id,
            RuptureEntry.party == Rating.rater,
            RuptureEntry.source == "concern",
        )
        .label("raised_concern")
    )
    return (
        db.select(
            TherapySession.partnership_id,
            TherapySession.id,
            TherapySession.date,
            TherapySession.added_by,
            Rating.rater,
            Rating.comment,
            concern,
            *(getattr(Rating, key) for key in FACTOR_KEYS),
        )
        .outerjoin(Rating, Rating.session_id == TherapySession.id)
        .where(TherapySession.partnership_id.in_(ids), TherapySession.counted(today()))
        .order_by(TherapySession.partnership_id, TherapySession.date)
    )


def timeline_of(records: list[SessionRecord], role: str) -> list[SessionView]:
    """Sessions as ``role`` may see them today under the reveal rule."""
    return session_views(records, role, today(), current_app.config["REVEAL_AFTER_DAYS"])


def timeline_for(partnership: Partnership, role: str) -> list[SessionView]:
    """Every session of one partnership as ``role`` may see it."""
    return timeline_of(load_records([partnership.id])[partnership.id], role)


_TIMELINES = Memo(256)  # each key holds a partnership's rows (about 50 kB at fifty sessions)


def timeline_and_source(partnership: Partnership, role: str, viewer_id: int) -> tuple[list[SessionView], Key]:
    """The timeline of ``timeline_for`` and what it was computed from, as a key for what is derived from it.

    The source is the viewer, the partnership, the role, today, the reveal delay and every
    row read (plain values: tuples hash and compare in C, where a timeline's ``repr`` took a
    fifth of the partnership page). Being the data itself, not a version number, it can
    never answer for other data, even a restored backup's. The timeline is kept under it:
    the same rows on the same day are the same timeline. Callers must not change it.
    """
    rows = tuple(map(tuple, db.session.execute(_records_query([partnership.id]))))  # plain tuples compare in C
    source = Key((viewer_id, partnership.id, role, today(), current_app.config["REVEAL_AFTER_DAYS"], rows))

    def compute() -> list[SessionView]:
        """The reveal rule over the rows read."""
        return session_views(_records_of([partnership.id], rows)[partnership.id], role, source[3], source[4])

    return _TIMELINES.get_or(source, compute), source
