"""Engine settings that must hold for every connection."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 10_000


def configure_engine_events(engine: Engine) -> None:
    """On SQLite, switch on WAL, a busy timeout and foreign keys for each new connection.

    SQLite leaves foreign keys off and gives up at once on a locked database by
    default; a second gunicorn worker writing at the same moment must wait instead.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        """Apply the pragmas to a fresh SQLite connection."""
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def database_answers() -> bool:
    """True when a trivial query reaches the database."""
    from .extensions import db

    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
