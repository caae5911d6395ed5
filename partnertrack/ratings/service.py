"""Saving a party's rating of a session exactly once (flushes; the caller's request commits).

``submit_rating`` is the one call that stores a rating with what the form brings along
(goal progress, a raised concern). Sending the same answers again (a double tap, a second
tab, a retried request) is a success that changes nothing; only a real change to a rating
that has been revealed is refused (RatingLocked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from partnertrack.core.clock import today
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.extensions import db
from partnertrack.goals.models import GoalProgress
from partnertrack.goals.service import save_progress
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.reveal import is_revealed
from partnertrack.ruptures.service import concern_from_rating
from partnertrack.sessions.service import ensure_session, refuse_unless_held
from partnertrack.summaries.versions import touch


class RatingLocked(Exception):
    """The party's rating of that session has been revealed, and the answers sent differ from it."""


class Outcome(StrEnum):
    """What submitting a rating did."""

    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Answers:
    """One party's answers to the post-session form."""

    scores: Mapping[str, int | None]
    comment: str | None = None
    goal_progress: Mapping[int, int | None] = field(default_factory=dict)
    raised_concern: bool = False
    concern_text: str | None = None


def _rating_row(therapy_session: TherapySession, role: str) -> Rating:
    """The party's rating row of the session, made empty if there is none yet (race-free insert)."""
    insert_ignoring_duplicates(
        Rating,
        {"session_id": therapy_session.id, "rater": role, **dict.fromkeys(FACTOR_KEYS, 0)},
        ("session_id", "rater"),
    )
    return db.session.scalar(
        sa.select(Rating)
        .where(Rating.session_id == therapy_session.id, Rating.rater == role)
        .execution_options(populate_existing=True)
    )


def _same(rating: Rating, answers: Answers) -> bool:
    """True when ``answers`` say exactly what ``rating`` (with its goal progress) already says."""
    if rating.scores != {key: answers.scores[key] for key in FACTOR_KEYS}:
        return False
    if (rating.comment or None) != (answers.comment or None):
        return False
    if not answers.goal_progress:
        return True  # no goal on the form: nothing more to compare, no query
    stored = dict(
        db.session.execute(
            sa.select(GoalProgress.goal_id, GoalProgress.progress).where(GoalProgress.rating_id == rating.id)
        ).all()
    )
    return all(stored.get(goal_id) == value for goal_id, value in answers.goal_progress.items())


def submit_rating(therapy_session: TherapySession, role: str, answers: Answers, user: User | None) -> Outcome:
    """Store ``role``'s rating of the session with its goal progress and concern; what it did.

    The unique key on (session, rater) makes a double click or a second tab meet the first
    request's row instead of adding one. Once both ratings are shown (or the reveal date has
    passed) a rating can no longer change: answers that differ raise RatingLocked.
    """
    refuse_unless_held(therapy_session)
    existing = db.session.scalar(
        sa.select(Rating)
        .where(Rating.session_id == therapy_session.id, Rating.rater == role)
        .execution_options(populate_existing=True)
    )
    if existing is not None and _same(existing, answers):
        outcome = Outcome.UNCHANGED
    else:
        raters = set(db.session.scalars(sa.select(Rating.rater).where(Rating.session_id == therapy_session.id)))
        limit = current_app.config["REVEAL_AFTER_DAYS"]
        if existing is not None and is_revealed(therapy_session.date, raters, today(), limit):
            raise RatingLocked()
        rating = _rating_row(therapy_session, role)
        for key in FACTOR_KEYS:
            setattr(rating, key, answers.scores[key])
        rating.comment = answers.comment or None
        db.session.flush()
        save_progress(rating, answers.goal_progress)
        touch([therapy_session.partnership_id])  # the row came by a Core insert, the progress too
        outcome = Outcome.CREATED if existing is None else Outcome.CHANGED
    if answers.raised_concern:
        # Said openly, not a rating: the concern is kept once per party and session, and new
        # words become a note on it, whether or not the rating could still change.
        concern_from_rating(therapy_session, role, user, answers.concern_text)
    return outcome


def save_rating(partnership: Partnership, role: str, day: date, scores: Mapping, comment: str | None = None) -> Outcome:
    """Store ``role``'s rating of the partnership's session on ``day``, adding the session if none is there.

    For scripts, the demo and tests; the form goes through ``submit_rating`` on the session
    it resolved, so a new date near a waiting session is questioned first.
    """
    therapy_session = ensure_session(partnership, day, role)
    return submit_rating(therapy_session, role, Answers(scores, comment), None)
