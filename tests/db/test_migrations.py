"""The migrations build exactly the models' schema, and upgrading keeps the data that is there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import current_app

from partnertrack.core.schema import (
    INITIAL_REVISION,
    schema_differences,
    upgrade_schema,
)
from partnertrack.extensions import db
from partnertrack.models import import_all_models as import_models
from tests.db.dbutil import database_url, second_database_url, seeding_app, triggers
from tests.factories import PASSWORD


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database with no tables at all (not even alembic_version)."""
    app = seeding_app(database_url(tmp_path), tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def describe(difference) -> str:
    """One readable line for an alembic difference (a missing migration names its table)."""
    if isinstance(difference, tuple) and difference[0] in ("add_table", "remove_table"):
        return f"{difference[0]} {difference[1].name}: write a migration (see partnertrack/migrations/README)"
    if isinstance(difference, tuple) and difference[0] in ("add_column", "remove_column"):
        return f"{difference[0]} {difference[2]}.{difference[3].name}"
    return repr(difference)[:300]


def check_constraints(engine) -> dict[str, set[str]]:
    """Named check constraints per table, as the database has them."""
    inspector = sa.inspect(engine)
    return {
        table: {c["name"] for c in inspector.get_check_constraints(table)}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def model_check_constraints() -> dict[str, set[str]]:
    """Named check constraints per table, as the models declare them."""
    import_models()
    return {
        table.name: {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint) and c.name}
        for table in db.metadata.sorted_tables
    }


def current_revisions() -> set[str]:
    """The revisions the database is stamped with."""
    with db.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def head_revisions() -> set[str]:
    """The latest revision of each branch in partnertrack/migrations."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def test_migrations_build_exactly_the_models_schema(empty_app):
    with empty_app.app_context():
        upgrade_schema()
        assert [describe(d) for d in schema_differences()] == []
        assert check_constraints(db.engine) == model_check_constraints()
        assert current_revisions() == head_revisions()


def test_migrations_create_the_triggers_the_models_create(empty_app, tmp_path):
    """Triggers come from raw DDL that alembic does not compare: a database made by create_all
    (as the tests make them) and one made by the migrations (as installations do) must agree."""
    with empty_app.app_context():
        upgrade_schema()
    reference = seeding_app(second_database_url(tmp_path), tmp_path)
    with reference.app_context():
        import_models()
        db.create_all()
        db.engine.dispose()
    migrated, created = (a.config["SQLALCHEMY_DATABASE_URI"] for a in (empty_app, reference))
    assert triggers(migrated) == triggers(created)


def test_downgrade_to_nothing_and_upgrade_again(empty_app):
    with empty_app.app_context():
        upgrade_schema()
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade_schema()
        assert [describe(d) for d in schema_differences()] == []


# Rows as the first migration's tables hold them; later migrations must keep every value.
CREATED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
FIRST_REVISION_ROWS = {
    "users": [
        {
            "id": 1,
            "email": "tara@example.org",
            "name": "Dr Tara",
            "role": "therapist",
            "active": True,
            "session_version": 1,
            "created_at": CREATED,
        },
        {
            "id": 2,
            "email": "pat@example.org",
            "name": "Pât Ünïcode",
            "role": "patient",
            "active": True,
            "session_version": 3,
            "created_at": CREATED,
        },
    ],
    "partnerships": [
        {
            "id": 7,
            "therapist_id": 1,
            "patient_id": 2,
            "patient_name": "Pât",
            "status": "active",
            "started_on": date(2026, 1, 5),
            "created_at": CREATED,
        },
    ],
    "invites": [
        {
            "id": 3,
            "partnership_id": 7,
            "token_hash": "a" * 64,
            "created_at": CREATED,
            "expires_at": datetime(2026, 1, 19, 9, 30, tzinfo=UTC),
            "used_at": datetime(2026, 1, 6, tzinfo=UTC),
        },
    ],
    "sessions": [{"id": 11, "partnership_id": 7, "date": date(2026, 1, 12), "created_at": CREATED}],
    "ratings": [
        {
            "id": 21,
            "session_id": 11,
            "rater": "patient",
            "mutuality": 7,
            "collaboration": 6,
            "responsiveness": 8,
            "feedback": 5,
            "rupture_repair": None,
            "termination_readiness": 2,
            "comment": "Felt heard — mostly.",
            "created_at": CREATED,
            "updated_at": CREATED,
        },
        {
            "id": 22,
            "session_id": 11,
            "rater": "therapist",
            "mutuality": 10,
            "collaboration": 0,
            "responsiveness": 9,
            "feedback": 4,
            "rupture_repair": 3,
            "termination_readiness": 1,
            "comment": None,
            "created_at": CREATED,
            "updated_at": CREATED,
        },
    ],
}


def insert_first_revision_rows() -> None:
    """Insert FIRST_REVISION_ROWS through tables reflected from the database (not the models)."""
    from partnertrack.core.passwords import hash_password

    metadata = sa.MetaData()
    metadata.reflect(db.engine, only=list(FIRST_REVISION_ROWS))
    with db.engine.begin() as conn:
        for name, rows in FIRST_REVISION_ROWS.items():
            if name == "users":
                rows = [{**row, "password_hash": hash_password(PASSWORD)} for row in rows]
            conn.execute(metadata.tables[name].insert(), rows)


def read_back(name: str) -> list[dict]:
    """The first revision's columns of table ``name``, as they are now."""
    columns = list(FIRST_REVISION_ROWS[name][0])
    table = sa.Table(name, sa.MetaData(), autoload_with=db.engine)  # typed as the database has it now
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    return [{c: normalise(row[c]) for c in columns} for row in rows]


def normalise(value):
    """Compare what each engine hands back: SQLite returns naive datetimes, which are UTC here."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def test_data_written_under_the_first_migration_survives_upgrading(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade(revision=INITIAL_REVISION)
        insert_first_revision_rows()
        upgrade_schema()
        assert current_revisions() == head_revisions()
        for name, rows in FIRST_REVISION_ROWS.items():
            assert read_back(name) == rows, name
    # And the people can still use it: the patient logs in and sees the session's ratings.
    client = empty_app.test_client()
    assert client.post("/login", data={"email": "pat@example.org", "password": PASSWORD}).status_code == 302
    page = client.get("/partnerships/7", follow_redirects=True)
    assert page.status_code == 200
    assert "Felt heard — mostly." in page.get_data(as_text=True)


def test_setup_adopts_a_database_made_before_migrations(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade(revision=INITIAL_REVISION)
        insert_first_revision_rows()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE alembic_version"))  # as create_all left such databases
    result = empty_app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Database ready." in result.output
    with empty_app.app_context():
        assert current_revisions() == head_revisions()
        assert [describe(d) for d in schema_differences()] == []
        assert read_back("ratings") == FIRST_REVISION_ROWS["ratings"]


def test_setup_adopts_a_database_made_by_create_all(app, runner):
    """The suite's own databases (and early installs) come from create_all: setup stamps them as current."""
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert current_revisions() == head_revisions()
        assert [describe(d) for d in schema_differences()] == []


def test_shared_sessions_migration_keeps_split_pairs_and_records_who_added_each(empty_app):
    """Sessions become shared appointments: nothing is merged, every rating stays, the first rater added it."""
    with empty_app.app_context():
        flask_migrate.upgrade(revision="0002_collaboration_audit")
        insert_first_revision_rows()
        later = datetime(2026, 1, 20, 9, tzinfo=UTC)
        split = [
            {"id": 12, "partnership_id": 7, "date": date(2026, 1, 19), "created_at": later},
            {"id": 13, "partnership_id": 7, "date": date(2026, 1, 20), "created_at": later},
            {"id": 14, "partnership_id": 7, "date": date(2026, 1, 26), "created_at": later},
        ]
        patient_rating, therapist_rating = FIRST_REVISION_ROWS["ratings"]
        one_sided = [
            {**therapist_rating, "id": 23, "session_id": 12, "rater": "patient", "created_at": later},
            {**patient_rating, "id": 24, "session_id": 13, "rater": "therapist", "created_at": later},
        ]
        metadata = sa.MetaData()
        metadata.reflect(db.engine, only=["sessions", "ratings"])
        with db.engine.begin() as conn:
            conn.execute(metadata.tables["sessions"].insert(), split)
            conn.execute(metadata.tables["ratings"].insert(), one_sided)
            before = conn.execute(sa.select(metadata.tables["ratings"]).order_by(sa.text("id"))).mappings().all()
        upgrade_schema()
        table = sa.Table("ratings", sa.MetaData(), autoload_with=db.engine)
        with db.engine.connect() as conn:
            after = conn.execute(sa.select(table).order_by(table.c.id)).mappings().all()
            sessions = conn.execute(sa.text("SELECT id, status, added_by FROM sessions ORDER BY id")).all()
    assert [{k: normalise(v) for k, v in row.items()} for row in after] == [
        {k: normalise(v) for k, v in row.items()} for row in before
    ]
    assert [tuple(s) for s in sessions] == [
        (11, "scheduled", "patient"),  # both rated at the same moment: the first row stored
        (12, "scheduled", "patient"),
        (13, "scheduled", "therapist"),
        (14, "scheduled", "therapist"),  # no rating: recorded by the therapist
    ]
