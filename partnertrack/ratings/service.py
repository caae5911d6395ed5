"""Saving a party's rating of a session exactly once (the caller's request commits)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from flask import current_app

from partnertrack.core.clock import today
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.reveal import is_revealed

AfterSave = Callable[[TherapySession, Rating], None]


class RatingLocked(Exception):
    """The party's rating of that session has been revealed and can no longer change."""


def session_on(partnership_id: int, day: date) -> TherapySession:
    """The partnership's session on ``day``, made if there is none yet.

    INSERT ... ON CONFLICT DO NOTHING on the (partnership, date) key: two requests making
    the same session at once both end up with the one row, never an error.
    """
    insert_ignoring_duplicates(
        TherapySession, {"partnership_id": partnership_id, "date": day}, ("partnership_id", "date")
    )
    return db.session.scalar(
        db.select(TherapySession)
        .where(TherapySession.partnership_id == partnership_id, TherapySession.date == day)
        .execution_options(populate_existing=True)
    )


def _rating_row(therapy_session: TherapySession, role: str) -> Rating:
    """The party's rating row of the session, made empty if there is none yet (same race-free insert)."""
    insert_ignoring_duplicates(
        Rating,
        {"session_id": therapy_session.id, "rater": role, **dict.fromkeys(FACTOR_KEYS, 0)},
        ("session_id", "rater"),
    )
    return db.session.scalar(
        db.select(Rating)
        .where(Rating.session_id == therapy_session.id, Rating.rater == role)
        .execution_options(populate_existing=True)
    )


def save_rating(
    partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None, after: AfterSave | None = None
) -> bool:
    """Store the party's rating of the session on ``day``; True when it is new. Flushes only.

    ``after(session, rating)`` runs in the same transaction (goal progress, a raised
    concern), so the rating and what came with it are stored together.

    The unique keys on (partnership, date) and (session, rater) make a double click or a
    second tab meet the first request's row instead of adding one. Once both ratings are
    shown (or the reveal date has passed) the rating is locked: RatingLocked.
    """
    therapy_session = session_on(partnership.id, day)
    existing = {r.rater for r in db.session.scalars(db.select(Rating).where(Rating.session_id == therapy_session.id))}
    limit = current_app.config["REVEAL_AFTER_DAYS"]
    if role in existing and is_revealed(day, existing, today(), limit):
        raise RatingLocked()
    rating = _rating_row(therapy_session, role)
    created = role not in existing
    for key in FACTOR_KEYS:
        setattr(rating, key, scores[key])
    rating.comment = comment or None
    db.session.flush()
    if after is not None:
        after(therapy_session, rating)
    return created
