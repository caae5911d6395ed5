"""The database in use: engine settings, the start-up check, and the request's one commit.

Who commits: services add and flush, never commit; the request commits once at its end
when it succeeded (``commit_request``), and rolls back otherwise. A command of the CLI
is its own request and commits itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Response, current_app
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from partnertrack.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Seconds a PostgreSQL connection attempt may take before it counts as unreachable (libpq's
# own default is to wait for the operating system, minutes for a host that does not answer).
PG_CONNECT_TIMEOUT_S = 10


def configure_engine_events(engine: Engine) -> None:
    """Prepare the app's engine at start-up, then check once that the database answers.

    SQLite gets its per-connection settings; PostgreSQL a bounded connect time. A database
    that does not answer is logged in one plain line and the app starts anyway, so /healthz
    can say 503 instead of the server dying with a traceback.
    """
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    report_unreachable_database(engine)


def _configure_sqlite(engine: Engine) -> None:
    """On SQLite, switch on WAL, a busy timeout, full sync and foreign keys for each new connection.

    SQLite leaves foreign keys off and gives up at once on a locked database by default;
    a second gunicorn worker writing at the same moment must wait instead. synchronous=FULL
    makes each commit reach the disk before the rating is acknowledged, so not even a power
    cut loses it (NORMAL, quicker, may lose the last commits in WAL mode).

    Write transactions stay short without BEGIN IMMEDIATE: Python's sqlite3 (legacy transaction
    control, which SQLAlchemy keeps) opens a transaction only at the first INSERT, UPDATE or
    DELETE, so a write takes the lock at once and waits on busy_timeout for another writer,
    instead of failing on a stale read snapshot. tests/db/test_concurrency.py holds this.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        """Apply the pragmas to a fresh SQLite connection."""
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def relax_sqlite_sync(engine: Engine) -> None:
    """Let this process's SQLite connections commit without waiting for the disk (synchronous=NORMAL).

    For the mail worker only: it writes delivery state, never anyone's data, and in WAL mode
    NORMAL keeps every commit across a crash of the process; a power cut may undo its last
    few commits, which at worst sends a mail again with the same Message-ID. Its commits
    then hold SQLite's single write lock for far less time, so raters are not kept waiting.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        """Runs after the app's own pragmas (listeners run in order), overriding synchronous only."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    engine.dispose()  # connections opened before this would keep FULL


def _configure_postgresql(engine: Engine) -> None:
    """Bound the time a connection attempt may take, unless the URL sets connect_timeout."""

    @sa.event.listens_for(engine, "do_connect")
    def _on_do_connect(_dialect, _record, _cargs, cparams):
        """Add the default connect timeout to the driver's arguments."""
        cparams.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)


def report_unreachable_database(engine: Engine) -> bool:
    """Try one connection; when it fails, log why in plain words and return False.

    The check uses a throwaway connection outside the app's pool: gunicorn loads the app
    before forking its workers, and a pooled connection opened here would be shared by them.
    """
    probe = sa.create_engine(engine.url, poolclass=NullPool, connect_args=_probe_connect_args(engine))
    try:
        with probe.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError as error:
        current_app.logger.error(
            "PartnerTrack cannot reach its database %s: %s. The app is running, but every page that needs "
            "the database fails and /healthz answers 503 until it answers. Check SQLALCHEMY_DATABASE_URI "
            "(PARTNERTRACK_SQLALCHEMY_DATABASE_URI) and %s.",
            engine.url.render_as_string(hide_password=True),
            driver_message(error),
            _hint(engine),
        )
        return False
    finally:
        probe.dispose()


def _probe_connect_args(engine: Engine) -> dict:
    """Connect arguments for the start-up probe: a short timeout on PostgreSQL."""
    if engine.dialect.name == "postgresql" and "connect_timeout" not in engine.url.query:
        return {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    return {}


def _hint(engine: Engine) -> str:
    """What to check for this kind of database."""
    if engine.dialect.name == "sqlite":
        return "that the database file's folder exists and this user may write to it"
    return "that the database server is running and accepts connections from here"


def driver_message(error: sa.exc.SQLAlchemyError) -> str:
    """The driver's own message, first line only (no SQL, no SQLAlchemy help link)."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def database_answers() -> bool:
    """True when a trivial query reaches the database."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False


def commit_request(response: Response) -> Response:
    """Commit what a successful request did (status below 400); roll back anything else.

    A page that refuses a step (4xx) or fails (5xx) leaves the database as it found it,
    whatever a service flushed before the refusal.
    """
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def register_request_transaction(app: Flask) -> None:
    """Make every request one transaction, committed by ``commit_request``."""
    app.after_request(commit_request)


def insert_ignoring_duplicates(model, values: dict, conflict_columns: tuple[str, ...], where=None) -> bool:
    """INSERT one row unless a row with the same ``conflict_columns`` exists; True if inserted.

    ON CONFLICT DO NOTHING (both engines): two requests racing to make the same row both
    succeed, one inserting and one finding it, instead of one failing on the unique key.
    ``where`` names the condition of a partial unique index.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_columns), index_where=where)
    )
    # Ask for a row back instead of reading rowcount: SQLAlchemy adds RETURNING for the key on
    # PostgreSQL, and rowcount then reads -1 whether or not a row went in. RETURNING gives the
    # inserted row, or nothing when the conflict skipped it (both engines; SQLite since 3.35).
    return db.session.execute(statement.returning(sa.literal_column("1"))).first() is not None
