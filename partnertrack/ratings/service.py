"""Loading what a party may see, and saving a rating exactly once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..clock import today
from ..extensions import db
from ..factors import FACTOR_KEYS
from ..models import Partnership, Rating, TherapySession
from ..reveal import RatingRecord, SessionRecord, SessionView, is_revealed, session_views


def session_records(partnership: Partnership) -> list[SessionRecord]:
    """The partnership's sessions and ratings as plain data (ratings are eager-loaded)."""
    records = []
    for s in partnership.sessions:
        ratings = {r.rater: RatingRecord(r.scores, r.comment or "") for r in s.ratings}
        records.append(SessionRecord(s.date, ratings))
    return records


def views_for(partnership: Partnership, role: str) -> list[SessionView]:
    """Every session as ``role`` may see it under the reveal rule."""
    return session_views(session_records(partnership), role, today(), current_app.config["REVEAL_AFTER_DAYS"])


class RatingLocked(Exception):
    """The party's rating of that session has been revealed and can no longer change."""


def _find_session(partnership_id: int, day: date) -> TherapySession | None:
    """The session on ``day``, if any."""
    return db.session.scalar(
        db.select(TherapySession).where(TherapySession.partnership_id == partnership_id, TherapySession.date == day)
    )


def _apply(partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None) -> bool:
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
    return created


def save_rating(partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None) -> bool:
    """Store the party's rating of the session on ``day``; True when it is new.

    The unique keys on (partnership, date) and (session, rater) make a double
    click or a second tab collide in the database instead of adding a row; the
    loser of such a race rolls back and retries, finding the winner's row.
    """
    for attempt in range(3):
        try:
            created = _apply(partnership, role, day, scores, comment)
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
