"""Creating and upgrading the database schema through the migrations in partnertrack/migrations.

Every model module is imported by create_app (partnertrack.models.import_all_models), so the
metadata compared here always holds every table.
"""

from __future__ import annotations

import sqlalchemy as sa

from partnertrack.extensions import db

# Applied by upgrade_schema: "heads" rather than "head", so two migrations written side by side
# (both following the same revision) both apply instead of stopping on "multiple heads".
TARGET_REVISION = "heads"
INITIAL_REVISION = "0001_initial"


def upgrade_schema() -> None:
    """Apply every pending migration (creating all tables on an empty database)."""
    import flask_migrate

    _adopt_unversioned_database()
    flask_migrate.upgrade(revision=TARGET_REVISION)


def _adopt_unversioned_database() -> None:
    """Stamp a database whose tables were made by create_all before migrations existed.

    Without a version, the first migration would try to create tables that are already
    there. Such a database matches the models (stamp the latest revision) or, made by an
    older release, the first migration (stamp that, and the later ones then apply).
    """
    import flask_migrate

    tables = set(sa.inspect(db.engine).get_table_names())
    if "alembic_version" in tables or "users" not in tables:
        return
    flask_migrate.stamp(revision=TARGET_REVISION if not schema_differences() else INITIAL_REVISION)


def schema_differences() -> list:
    """Alembic's list of differences between the database and the models (empty when equal)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)
