"""Loading what a party may see, and saving a rating exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..clock import today
from ..extensions import db
from ..factors import FACTOR_KEYS
from ..models import Partnership, Rating, TherapySession
from ..reveal import RatingRecord, SessionRecord, SessionView, is_revealed, session_views


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
            ratings[rater] = RatingRecord(dict(zip(FACTOR_KEYS, scores)), comment or "")
    return {pid: [SessionRecord(day, r) for day, r in days.items()] for pid, days in found.items()}


def views_of(records: list[SessionRecord], role: str) -> list[SessionView]:
    """Sessions as ``role`` may see them today under the reveal rule."""
    return session_views(records, role, today(), current_app.config["REVEAL_AFTER_DAYS"])


def views_for(partnership: Partnership, role: str) -> list[SessionView]:
    """Every session of one partnership as ``role`` may see it."""
    return views_of(load_records([partnership.id])[partnership.id], role)


AfterSave = Callable[[TherapySession, Rating], None]


class RatingLocked(Exception):
    """The party's rating of that session has been revealed and can no longer change."""


def _find_session(partnership_id: int, day: date) -> TherapySession | None:
    """The session on ``day``, if any."""
    return db.session.scalar(
        db.select(TherapySession).where(TherapySession.partnership_id == partnership_id, TherapySession.date == day)
    )


def _apply(partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None,
           after: AfterSave | None = None) -> bool:
    """Insert or update the party's rating in the current transaction; True if created."""
    session = _find_session(partnership.id, day)
    if session is None:
        session = TherapySession(partnership_id=partnership.id, date=day)
        db.session.add(session)
        db.session.flush()
    rating = session.rating_by(role)
    limit = current_app.config["REVEAL_AFTER_DAYS"]
    if rating is not None and is_revealed(day, {r.rater for r in session.ratings}, today(), limit):
        raise RatingLocked()
    created = rating is None
    if created:
        rating = Rating(session=session, rater=role)
        db.session.add(rating)
    for key in FACTOR_KEYS:
        setattr(rating, key, scores[key])
    rating.comment = comment or None
    db.session.flush()
    if after is not None:
        after(session, rating)
    return created


def save_rating(partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None,
                after: AfterSave | None = None) -> bool:
    """Store the party's rating of the session on ``day``; True when it is new.

    ``after(session, rating)`` runs in the same transaction (goal progress, a
    raised concern), so the rating and what came with it are stored together.

    The unique keys on (partnership, date) and (session, rater) make a double
    click or a second tab collide in the database instead of adding a row; the
    loser of such a race rolls back and retries, finding the winner's row.
    """
    for attempt in range(3):
        try:
            created = _apply(partnership, role, day, scores, comment, after)
            db.session.commit()
            return created
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        except RatingLocked:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
