"""Database helpers for the durability tests: clean databases, table dumps, integrity checks.

The engine is the suite's: SQLite in a temporary folder by default, the PostgreSQL database
named by PARTNERTRACK_TEST_DATABASE_URL when set.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from partnertrack import create_app
from tests.conftest import TEST_DATABASE_URL, test_config


def database_url(tmp_path, name: str = "partnertrack") -> str:
    """A URL for an empty database of the suite's engine (emptied first on PostgreSQL)."""
    if TEST_DATABASE_URL:
        empty_database(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path / (name + '.sqlite')}"


def second_database_url(tmp_path, suffix: str = "_restore") -> str:
    """Another empty database of the suite's engine, e.g. to restore a backup into.

    On PostgreSQL it is the test database's name with ``suffix`` appended, created on first use.
    """
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / ('restored.sqlite' if suffix == '_restore' else f'second{suffix}.sqlite')}"
    url = make_url(TEST_DATABASE_URL)
    target = url.set(database=f"{url.database}{suffix}")
    server = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    server.dispose()
    rendered = target.render_as_string(hide_password=False)
    empty_database(rendered)
    return rendered


def empty_database(url: str) -> None:
    """Remove every table, view, function and trigger: on PostgreSQL, recreate the public schema."""
    engine = sa.create_engine(url, poolclass=NullPool)
    if engine.dialect.name != "postgresql":
        raise ValueError("only PostgreSQL databases are emptied in place; SQLite tests use a new file")
    with engine.begin() as conn:
        # Fail loudly instead of waiting forever on a connection some test left open.
        conn.exec_driver_sql("SET lock_timeout = '20s'")
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def seeding_app(url: str, tmp_path):
    """An app on ``url`` for writing test data directly (cheap password hashes, no schema reset)."""
    return create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, keyed by table name (alembic_version included)."""
    engine = sa.create_engine(url, poolclass=NullPool)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    dump = {}
    with engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            rows = conn.execute(sa.select(table)).all()
            dump[name] = sorted((tuple(row) for row in rows), key=repr)
    engine.dispose()
    return dump


def stored_ratings(url: str) -> list[tuple]:
    """(partnership_id, date, rater, six scores..., comment) of every stored rating."""
    columns = "mutuality, collaboration, responsiveness, feedback, rupture_repair, termination_readiness"
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                f"SELECT s.partnership_id, s.date, r.rater, {columns}, r.comment "
                "FROM ratings r JOIN sessions s ON s.id = r.session_id"
            )
        ).all()
    engine.dispose()
    return [(pid, date.fromisoformat(str(day)), *rest) for pid, day, *rest in rows]


def triggers(url: str) -> set[tuple[str, str]]:
    """(table, trigger) for every trigger the database holds (made by raw DDL, unseen by alembic)."""
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'").all()
        else:
            rows = conn.exec_driver_sql(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"
            ).all()
    engine.dispose()
    return {tuple(row) for row in rows}


def integrity_problems(url: str) -> list[str]:
    """What is wrong with the database's structure or constraints; empty when sound.

    SQLite: PRAGMA integrity_check and foreign_key_check. PostgreSQL: amcheck over every
    B-tree index, no constraint left unvalidated, and no orphan or duplicate core rows.
    """
    engine = sa.create_engine(url, poolclass=NullPool)
    problems = []
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            problems += [] if result == ["ok"] else result
            problems += [f"foreign key: {tuple(row)}" for row in conn.exec_driver_sql("PRAGMA foreign_key_check")]
        else:
            problems += _postgres_problems(conn)
        problems += _core_row_problems(conn)
    engine.dispose()
    return problems


def _postgres_problems(conn) -> list[str]:
    """amcheck's verdict on every B-tree index, and any constraint not validated."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    indexes = conn.exec_driver_sql(
        "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE a.amname = 'btree' AND n.nspname = 'public'"
    ).all()
    problems = []
    for oid, name in indexes:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        except sa.exc.DBAPIError as error:
            problems.append(f"index {name}: {error.orig}")
    unvalidated = (
        conn.exec_driver_sql(
            "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = 'public' AND NOT c.convalidated"
        )
        .scalars()
        .all()
    )
    return problems + [f"constraint not validated: {name}" for name in unvalidated]


def _core_row_problems(conn) -> list[str]:
    """Orphan ratings or sessions, and duplicate sessions or ratings, by plain queries."""
    checks = {
        "ratings without a session": "SELECT count(*) FROM ratings r LEFT JOIN sessions s ON s.id = r.session_id "
        "WHERE s.id IS NULL",
        "sessions without a partnership": "SELECT count(*) FROM sessions s "
        "LEFT JOIN partnerships p ON p.id = s.partnership_id WHERE p.id IS NULL",
        "duplicate ratings": "SELECT count(*) FROM (SELECT session_id, rater FROM ratings "
        "GROUP BY session_id, rater HAVING count(*) > 1) d",
        "duplicate sessions": "SELECT count(*) FROM (SELECT partnership_id, date FROM sessions "
        "GROUP BY partnership_id, date HAVING count(*) > 1) d",
    }
    found = {label: conn.exec_driver_sql(sql).scalar() for label, sql in checks.items()}
    return [f"{label}: {count}" for label, count in found.items() if count]
