"""`flask backup PATH` and `flask restore PATH`: consistent copies taken while the app runs.

SQLite uses its online backup API (a snapshot of one moment, however many writers are busy);
PostgreSQL uses pg_dump's custom format (one consistent transaction) and pg_restore. A backup
is first written next to PATH under a temporary name and renamed only once complete and
checked, so an error never leaves a partial file at PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from partnertrack.core.database import SQLITE_BUSY_TIMEOUT_MS
from partnertrack.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"  # pg_dump's custom format
# A file is a PartnerTrack backup when it has at least the first migration's tables.
REQUIRED_TABLES = ("alembic_version", "users", "partnerships", "invites", "sessions", "ratings")


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def sqlite_path() -> Path:
    """The file of the app's SQLite database."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file (or PostgreSQL) can be backed up and restored.")
    return Path(database).resolve()


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection that waits for writers instead of failing at once."""
    uri = f"file:{quote(str(path))}" + ("?mode=ro&immutable=1" if read_only else "")
    connection = sqlite3.connect(uri, uri=True)
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return connection


def write_atomically(target: Path, write) -> None:
    """Call ``write(temp_path)`` for a temporary file beside ``target``, then rename it into place.

    On any error the temporary file is removed and BackupError says what went wrong.
    """
    if target.is_dir():
        raise BackupError(f"{target} is a folder. Give the backup a file name, e.g. {target / 'partnertrack.backup'}.")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as error:
        raise BackupError(
            f"Cannot write the backup to {target}: {error.strerror}. Choose a folder that exists and that you "
            "may write to. Nothing was written."
        ) from error
    os.close(fd)  # created with mode 0600: a backup holds every rating and comment
    temp = Path(temp_name)
    try:
        write(temp)
        _fsync(temp)
        os.replace(temp, target)
        _fsync(target.parent)
    except (OSError, sqlite3.Error, BackupError) as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, BackupError):
            raise
        hint = " (is the disk full?)" if isinstance(error, sqlite3.OperationalError) else ""
        raise BackupError(f"The backup to {target} failed: {error}{hint}. Nothing was written.") from error


def _fsync(path: Path) -> None:
    """Flush a file or folder to the disk, so a rename after it cannot outrun the data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_sqlite(source: Path, target: Path) -> dict:
    """Copy the live database ``source`` to ``target`` with the online backup API; its summary."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source} yet. Run `flask --app partnertrack setup` first.")
    copy_sqlite(source, target)
    return inspect_sqlite_backup(target)


def copy_sqlite(source: Path, target: Path) -> None:
    """Write a checked, self-contained copy of the SQLite database ``source`` to ``target``."""

    def write(temp: Path) -> None:
        """Snapshot in one step (a consistent moment), check it, and make it a standalone file."""
        with closing(_connect(source)) as live, closing(sqlite3.connect(temp)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"The copy failed its integrity check ({result}). Nothing was written.")

    write_atomically(target, write)


def inspect_sqlite_backup(path: Path) -> dict:
    """Check that ``path`` is a sound PartnerTrack SQLite backup; counts of what it holds.

    Raises BackupError (and reads nothing else) for any other file.
    """
    refuse = f"{path} is not a PartnerTrack backup"
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(
            f"{path} cannot be restored here: it is a PostgreSQL backup (a pg_dump archive), and this "
            "installation uses SQLite. Nothing was changed."
        )
    if header != SQLITE_HEADER:
        raise BackupError(f"{refuse}: it is not an SQLite database. Nothing was changed.")
    try:
        with closing(_connect(path, read_only=True)) as backup:
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in REQUIRED_TABLES if t not in tables]
            if missing:
                raise BackupError(f"{refuse}: it has no {', '.join(missing)} table. Nothing was changed.")
            if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (it fails SQLite's integrity check). Nothing was changed.")
            return _summary(backup)
    except sqlite3.Error as error:
        raise BackupError(f"{refuse}: {error}. Nothing was changed.") from error


def _summary(connection: sqlite3.Connection) -> dict:
    """How many people, partnerships and ratings a backup holds, and its schema revision."""
    tables = ("users", "partnerships", "ratings")
    count = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    return {**count, "revisions": revisions}


def restore_sqlite(backup: Path, target: Path) -> Path:
    """Replace the database ``target`` with ``backup``; return where the replaced one was saved.

    The backup API writes the whole copy under an exclusive lock, so a running app sees the
    old database or the new one, never a mix. The replaced database is kept beside it first.
    """
    saved = None
    if _has_tables(target):
        saved = target.with_name(f"{target.stem}.before-restore-{datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
        copy_sqlite(target, saved)
    with closing(_connect(backup, read_only=True)) as source, closing(_connect(target)) as live:
        source.backup(live)
        live.execute("PRAGMA journal_mode = WAL")
    return saved


def _has_tables(path: Path) -> bool:
    """True when ``path`` is a database holding at least one table (worth keeping before a restore)."""
    if not path.is_file():
        return False
    with closing(_connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


PG_TOOLS_MISSING = (
    "{tool} was not found on PATH. Install PostgreSQL's client tools of the server's major version "
    "(Debian and Ubuntu: apt-get install postgresql-client), or run them where they are installed:\n"
    "  back up:  pg_dump --format=custom --file PATH '{uri}'\n"
    "  restore:  pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname '{uri}' PATH\n"
    "with the password in the PGPASSWORD variable. Nothing was changed."
)


def _libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """The URL as libpq tools take it, and an environment carrying the password (not the command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # URL.set(password=None) would keep the password: build the URL again without it.
    bare = sa.engine.URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database, query=url.query
    )
    return bare.render_as_string(hide_password=False), env


def _pg_tool(name: str, url: sa.engine.URL) -> str:
    """The path of pg_dump or pg_restore, or a BackupError explaining how to get or run it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(PG_TOOLS_MISSING.format(tool=name, uri=_libpq(url)[0]))
    return path


def _run(command: list[str], env: dict) -> str:
    """Run a PostgreSQL tool; its output, or BackupError with the last line it complained with."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode < 0:  # killed, e.g. SIGXFSZ when a file size limit is reached
        reason = f"stopped by {signal.Signals(-result.returncode).name}"
        raise BackupError(f"{Path(command[0]).name} failed: {reason} (is the disk full?).")
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(f"{Path(command[0]).name} failed: {lines[-1] if lines else result.returncode}.")
    return result.stdout


def dump_postgres(url: sa.engine.URL, target: Path) -> dict:
    """pg_dump in custom format (one consistent snapshot) to ``target``; its summary."""
    tool = _pg_tool("pg_dump", url)
    uri, env = _libpq(url)

    def write(temp: Path) -> None:
        """Dump into the temporary file."""
        try:
            _run([tool, "--format=custom", "--no-owner", "--file", str(temp), "--dbname", uri], env)
        except BackupError as error:
            raise BackupError(f"{error.message} Nothing was written at {target}.") from error

    write_atomically(target, write)
    return inspect_postgres_backup(target)


def inspect_postgres_backup(path: Path) -> dict:
    """Check that ``path`` is a pg_dump archive of a PartnerTrack database; counts of what it holds."""
    refuse = f"{path} is not a PartnerTrack backup"
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        raise BackupError(
            f"{path} cannot be restored here: it is an SQLite database, and this installation uses PostgreSQL, "
            "whose backups are pg_dump archives. Nothing was changed."
        )
    if not header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{refuse}: it is not a pg_dump archive (custom format). Nothing was changed.")
    tool = _pg_tool("pg_restore", db.engine.url)
    listing = _run([tool, "--list", str(path)], dict(os.environ))
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+) ", listing, re.M))
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupError(f"{refuse}: it has no {', '.join(missing)} table. Nothing was changed.")
    rows = {t: _archived_rows(tool, path, t) for t in ("users", "partnerships", "ratings", "alembic_version")}
    revisions = [row.split("\t")[0] for row in rows.pop("alembic_version")]
    return {**{t: len(r) for t, r in rows.items()}, "revisions": revisions}


def _archived_rows(tool: str, path: Path, table: str) -> list[str]:
    """The data lines of one table in a pg_dump archive."""
    script = _run([tool, "--data-only", "--table", table, "--file", "-", str(path)], dict(os.environ))
    match = re.search(r"^COPY [^\n]* FROM stdin;\n(.*?)^\\\.$", script, re.M | re.S)
    return match.group(1).splitlines() if match else []


def restore_postgres(url: sa.engine.URL, backup: Path) -> None:
    """pg_restore the archive over the database in one transaction: all of it or nothing."""
    tool = _pg_tool("pg_restore", url)
    uri, env = _libpq(url)
    command = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    try:
        _run([*command, "--dbname", uri, str(backup)], env)
    except BackupError as error:
        raise BackupError(f"{error.message} The restore ran in one transaction, so nothing was changed.") from error


def known_revisions() -> set[str]:
    """Every revision in partnertrack/migrations."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def check_revisions(summary: dict, path: Path) -> None:
    """Refuse a backup made by a newer PartnerTrack, whose schema this one does not know."""
    unknown = [r for r in summary["revisions"] if r not in known_revisions()]
    if unknown:
        raise BackupError(
            f"{path} was made by a newer PartnerTrack (schema revision {', '.join(unknown)}). "
            "Upgrade this installation first. Nothing was changed."
        )


def describe(summary: dict) -> str:
    """'3 people, 1 partnership, 32 ratings' for messages."""
    words = (
        ("users", "person", "people"),
        ("partnerships", "partnership", "partnerships"),
        ("ratings", "rating", "ratings"),
    )
    return ", ".join(f"{summary[key]} {one if summary[key] == 1 else many}" for key, one, many in words)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH; safe while the app is running."""
    path = path.resolve()
    if db.engine.dialect.name == "postgresql":
        summary = dump_postgres(db.engine.url, path)
    else:
        summary = backup_sqlite(sqlite_path(), path)
    click.echo(f"Backup written to {path} ({describe(summary)}).")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup at PATH (asks first)."""
    from partnertrack.core.schema import upgrade_schema

    path = path.resolve()
    postgres = db.engine.dialect.name == "postgresql"
    summary = inspect_postgres_backup(path) if postgres else inspect_sqlite_backup(path)
    check_revisions(summary, path)
    where = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.echo("Stop the app servers before restoring, and start them again afterwards.")
        click.confirm(f"Replace everything in {where} with the backup {path} ({describe(summary)})?", abort=True)
    db.session.remove()
    if postgres:
        restore_postgres(db.engine.url, path)
        saved = None
    else:
        saved = restore_sqlite(path, sqlite_path())
    db.engine.dispose()  # no pooled connection may keep reading the replaced database
    upgrade_schema()
    click.echo(f"Restored {describe(summary)} from {path}.")
    if saved:
        click.echo(f"The database it replaced was kept at {saved}.")
