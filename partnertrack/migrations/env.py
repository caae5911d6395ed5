"""Alembic environment: runs PartnerTrack's migrations on the app's own engine."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from partnertrack.models import import_all_models

config = context.config

# Only when nothing has set up logging yet (the `flask db` commands): inside the server or
# the test suite, fileConfig would silently replace the handlers already in place.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def target_metadata():
    """The metadata of every model module, so autogenerate sees every table."""
    import_all_models()
    return current_app.extensions["migrate"].db.metadata


def configure_args() -> dict:
    """Settings for both engines.

    Autogenerate always writes batch operations: SQLite alters a table by copying it, and on
    PostgreSQL the same operations run as plain ALTER TABLE, so one file serves both engines.
    """
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("compare_type", True)
    args.setdefault("render_as_batch", True)
    args.setdefault("process_revision_directives", skip_empty_autogenerate)
    return args


def skip_empty_autogenerate(_context, _revision, directives):
    """Write no file when autogenerate finds nothing to change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    """Print the SQL instead of running it (`flask db upgrade --sql`)."""
    engine = current_app.extensions["migrate"].db.engine
    context.configure(
        url=engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata(),
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations in one transaction on the app's engine."""
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            set_sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=target_metadata(), **configure_args())
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                set_sqlite_foreign_keys(connection, on=True)


def set_sqlite_foreign_keys(connection, on: bool) -> None:
    """Switch SQLite's foreign keys for this connection (only possible outside a transaction).

    Batch mode alters a SQLite table by copying it and dropping the original; with foreign
    keys on, that DROP deletes every row that refers to the table through ON DELETE CASCADE
    (altering partnerships would empty sessions and ratings). So they are off while
    migrating, checked afterwards, and back on before the connection returns to the pool.
    """
    connection.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    connection.commit()


def check_sqlite_foreign_keys(connection) -> None:
    """Fail loudly if the migrations left a row pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    connection.commit()
    if broken:
        raise RuntimeError(f"the migrations left rows that break foreign keys: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
