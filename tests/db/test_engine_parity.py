"""The same rules hold in the database itself on SQLite and on PostgreSQL.

Each test runs on the suite's engine; CI runs the suite on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from partnertrack.core.clock import as_utc
from partnertrack.core.database import PG_CONNECT_TIMEOUT_S, SQLITE_BUSY_TIMEOUT_MS
from partnertrack.extensions import db
from partnertrack.models import Rating, TherapySession

SCORES = dict(mutuality=5, collaboration=5, responsiveness=5, feedback=5, rupture_repair=None, termination_readiness=5)


def test_every_connection_gets_the_durability_settings(app):
    with app.app_context(), db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            pragma = {
                p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert pragma == {
                "journal_mode": "wal",
                "synchronous": 2,
                "foreign_keys": 1,
                "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
            }
        else:
            parameters = conn.connection.dbapi_connection.info.get_parameters()
            assert parameters["connect_timeout"] == str(PG_CONNECT_TIMEOUT_S)


def add_session(partnership_id: int) -> TherapySession:
    """A session a week ago, flushed."""
    session = TherapySession(partnership_id=partnership_id, date=datetime.now(UTC).date() - timedelta(days=7))
    db.session.add(session)
    db.session.flush()
    return session


@pytest.mark.parametrize(
    "bad, constraint",
    [
        ({"mutuality": 11}, "a score above 10"),
        ({"feedback": -1}, "a score below 0"),
        ({"rater": "supervisor"}, "a rater who is neither party"),
        ({"comment": "x" * 2001}, "a comment over 2,000 characters"),
    ],
)
def test_the_database_refuses_out_of_range_values(app, world, bad, constraint):
    with app.app_context():
        session = add_session(world.partnership)
        values = {"rater": "patient", **SCORES, **bad}
        db.session.add(Rating(session_id=session.id, **values))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0, constraint


def test_the_database_refuses_a_second_rating_by_the_same_party(app, world):
    with app.app_context():
        session = add_session(world.partnership)
        db.session.add(Rating(session_id=session.id, rater="patient", **SCORES))
        db.session.commit()
        db.session.add(Rating(session_id=session.id, rater="patient", **SCORES))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1


def test_the_database_refuses_a_rating_of_a_session_that_does_not_exist(app, world):
    with app.app_context():
        db.session.add(Rating(session_id=999_999, rater="patient", **SCORES))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_deleting_a_partnership_removes_its_sessions_and_ratings(app, world):
    with app.app_context():
        session = add_session(world.partnership)
        db.session.add(Rating(session_id=session.id, rater="therapist", **SCORES))
        db.session.commit()
        # Plain SQL, so the database's ON DELETE CASCADE does the work, not the ORM.
        db.session.execute(sa.text("DELETE FROM partnerships WHERE id = :id"), {"id": world.partnership})
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


def test_timestamps_come_back_as_the_same_instant(app, world):
    """PostgreSQL keeps the zone and SQLite does not; the app writes UTC, and as_utc reads it back alike."""
    written = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    with app.app_context():
        session = add_session(world.partnership)
        db.session.add(Rating(session_id=session.id, rater="patient", created_at=written, updated_at=written, **SCORES))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(sa.select(Rating.created_at))
        assert as_utc(stored) == written
