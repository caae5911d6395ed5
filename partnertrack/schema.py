"""Creating and upgrading the database schema through the migrations in partnertrack/migrations."""

from __future__ import annotations

import importlib
import importlib.util
import os

import sqlalchemy as sa

from .extensions import db

# Applied by upgrade_schema: "heads" rather than "head", so two migrations written side by side
# (both following the same revision) both apply instead of stopping on "multiple heads".
TARGET_REVISION = "heads"
INITIAL_REVISION = "0001_initial"
# Model modules outside a feature folder's models.py; list a new one here.
MODEL_MODULES = ("partnertrack.models", "partnertrack.audit")


def import_models() -> None:
    """Import MODEL_MODULES and every partnertrack/<package>/models.py.

    A table exists for SQLAlchemy (and so for autogenerate and the schema tests) only once
    its module is imported; finding the model modules by name means a new feature's models
    are never forgotten.
    """
    for name in MODEL_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    package_dir = os.path.dirname(__file__)
    for entry in sorted(os.scandir(package_dir), key=lambda e: e.name):
        # Plain folders count too: some feature packages have no __init__.py.
        if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "models.py")):
            importlib.import_module(f"partnertrack.{entry.name}.models")


def upgrade_schema() -> None:
    """Apply every pending migration (creating all tables on an empty database)."""
    import flask_migrate

    import_models()
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

    import_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)
