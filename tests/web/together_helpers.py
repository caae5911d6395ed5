"""Helpers for the goals, rupture-log, review and JSON-export tests."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ratings.factors import FACTOR_KEYS

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
PATIENT = "pat@example.org"
THERAPIST = "tara@example.org"


def count(app, model, **where) -> int:
    """Rows of ``model`` (matching ``where``)."""
    with app.app_context():
        query = db.select(db.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def text_of(response) -> str:
    """The page's visible text, tags removed and entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,:;)])", r"\1", text)  # "session 7 :" from "<a>session 7</a>:" reads "session 7:"


def flat(value: int, **override) -> dict[str, int | None]:
    """All six factor scores ``value``, with some overridden."""
    scores = dict.fromkeys(FACTOR_KEYS, value)
    scores.update(override)
    return scores


def weekly_dates(n: int, last: date = YESTERDAY) -> list[date]:
    """``n`` weekly session dates ending on ``last``."""
    return [last - timedelta(days=7 * (n - 1 - i)) for i in range(n)]


def store_ratings(app, partnership_id: int, rows) -> None:
    """Insert (date, rater, scores) ratings directly: a quick way to a long history."""
    with app.app_context():
        sessions = {}
        for day, rater, scores in rows:
            session = sessions.get(day) or db.session.scalar(
                db.select(TherapySession).where(TherapySession.partnership_id == partnership_id, TherapySession.date == day)
            )
            if session is None:
                session = TherapySession(partnership_id=partnership_id, date=day)
                db.session.add(session)
                db.session.flush()
            sessions[day] = session
            db.session.add(Rating(session_id=session.id, rater=rater, **scores))
        db.session.commit()


def set_status(app, partnership_id: int, status: str) -> None:
    """Force a partnership's status (for read-only tests that do not need the whole review)."""
    with app.app_context():
        db.session.get(Partnership, partnership_id).status = status
        db.session.commit()


def status_of(app, partnership_id: int) -> str:
    """The partnership's status as stored."""
    with app.app_context():
        return db.session.get(Partnership, partnership_id).status
