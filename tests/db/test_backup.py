"""`flask backup` while people are rating, `flask restore` into a fresh instance, and bad input."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from partnertrack.extensions import db
from tests.conftest import TEST_DATABASE_URL
from tests.db.dbutil import integrity_problems, second_database_url, stored_ratings, table_rows
from tests.db.load import Progress, log_in_everyone, plan, run_load, start_loaded_server
from tests.factories import rating_form
from tests.serverutil import ROOT, Server

POSTGRES = bool(TEST_DATABASE_URL)


CORE_TABLES = ("users", "partnerships", "invites", "sessions", "ratings")


def without_data_version(table: str, dump: dict[str, list[tuple]], url: str) -> list[tuple]:
    """The table's rows, a partnership's data version left out: every rating moves it (summaries/versions.py)."""
    if table != "partnerships":
        return dump[table]
    engine = sa.create_engine(url, poolclass=NullPool)
    position = [c["name"] for c in sa.inspect(engine).get_columns("partnerships")].index("data_version")
    engine.dispose()
    return [row[:position] + row[position + 1 :] for row in dump[table]]


def test_backup_during_writes_restores_into_a_fresh_instance(tmp_path):
    server, url, ids = start_loaded_server(tmp_path, partnerships=8)
    during, after = tmp_path / "during.backup", tmp_path / "after.backup"
    try:
        # More ratings than can be sent while the backup runs; the load stops when it is done.
        groups = plan(log_in_everyone(server.base_url, ids), days=50, race_every=0, copies=1)
        progress = Progress()
        outcome = {}
        load = threading.Thread(
            target=lambda: outcome.setdefault("result", run_load(server.base_url, groups, 8, 90, progress))
        )
        load.start()
        progress.wait_for_acks(30, timeout_s=60)
        acknowledged_before = progress.acknowledged_so_far()
        made = server.flask("backup", str(during), check=False)
        acknowledged_during = progress.acknowledged_so_far() - acknowledged_before
        progress.stop.set()
        load.join(timeout=60)
    finally:
        server.stop()
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"Backup written to {during}" in made.stdout
    print(
        f"\nFIGURES backup engine={url.split(':')[0]} acknowledged_before={len(acknowledged_before)} "
        f"acknowledged_while_backing_up={len(acknowledged_during)} unsent={outcome['result'].unsent}"
    )
    assert outcome["result"].unsent > 0, "ratings were still being sent when the backup finished"

    fresh = Server(second_database_url(tmp_path), tmp_path / "fresh-instance")
    restored = fresh.flask("restore", str(during), "--yes", check=False)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    live, copy = table_rows(url), table_rows(fresh.db_url)
    assert set(copy) == set(live), "every table is in the backup"
    for table in CORE_TABLES:  # rows the load only ever adds: the snapshot is a subset of the end state
        kept, now = without_data_version(table, copy, fresh.db_url), without_data_version(table, live, url)
        assert set(kept) <= set(now), table
    assert acknowledged_before <= {row[:3] for row in stored_ratings(fresh.db_url)}, "acknowledged before: kept"
    assert integrity_problems(fresh.db_url) == []
    if not POSTGRES:
        assert table_rows(f"sqlite:///{during}") == copy, "the restored database is the backup, table for table"

    # Backed up at rest and restored over the first copy: every table equals the original, row for row.
    assert server.flask("backup", str(after), check=False).returncode == 0
    assert fresh.flask("restore", str(after), "--yes", check=False).returncode == 0
    assert table_rows(fresh.db_url) == table_rows(url)


@pytest.fixture
def migrated(app, runner, world):
    """The suite's app with the world's people and partnerships, stamped by `flask setup`, and a rating."""
    assert runner.invoke(args=["setup"]).exit_code == 0
    client = app.test_client()
    client.post("/login", data={"email": "pat@example.org", "password": "correct horse battery"})
    day = date.today() - timedelta(days=3)
    assert client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day)).status_code == 302
    with app.app_context():
        db.session.remove()
    return app


def rows_of(app) -> dict:
    """Every row of every table of the app's database."""
    return table_rows(app.config["SQLALCHEMY_DATABASE_URI"])


def test_restore_asks_first_and_puts_the_backup_back(migrated, runner, tmp_path):
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    before = rows_of(migrated)
    assert runner.invoke(args=["user", "disable", "--email", "pat@example.org"]).exit_code == 0
    changed = rows_of(migrated)
    assert changed != before

    declined = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert declined.exit_code == 1 and "Replace everything in" in declined.output and "Aborted" in declined.output
    assert rows_of(migrated) == changed, "declining changes nothing"

    accepted = runner.invoke(args=["restore", str(backup)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Restored 4 people, 2 partnerships, 1 rating from" in accepted.output
    assert rows_of(migrated) == before
    if not POSTGRES:
        kept = accepted.output.split("was kept at ")[1].strip().rstrip(".")
        assert table_rows(f"sqlite:///{kept}") == changed, "the replaced database was kept"


def not_a_backup_files(tmp_path) -> dict:
    """Files that restore must refuse, by what they are."""
    text = tmp_path / "notes.txt"
    text.write_text("Session notes, not a database.\n")
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    other = tmp_path / "other-app.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()
    return {"text": text, "empty": empty, "other SQLite database": other, "missing": tmp_path / "nothing.backup"}


@pytest.mark.parametrize("kind", ["text", "empty", "other SQLite database", "missing"])
def test_restore_refuses_what_is_not_a_partnertrack_backup(migrated, runner, tmp_path, kind):
    before = rows_of(migrated)
    path = not_a_backup_files(tmp_path)[kind]
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 1
    expected = "is not a PartnerTrack backup"
    if kind == "missing":
        expected = "There is no file at"
    elif kind == "other SQLite database" and POSTGRES:
        expected = "it is an SQLite database, and this installation uses PostgreSQL"
    assert expected in result.output and "Traceback" not in result.output
    assert rows_of(migrated) == before, "nothing changed"


def test_restore_refuses_a_backup_from_a_newer_version(migrated, runner, tmp_path):
    backup = tmp_path / "future.backup"
    with migrated.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = '9999_future'"))
        db.session.commit()
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with migrated.app_context():
        db.session.execute(db.text("DELETE FROM ratings"))
        db.session.commit()
    before = rows_of(migrated)
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 1
    assert "was made by a newer PartnerTrack (schema revision 9999_future)" in result.output
    assert rows_of(migrated) == before


@pytest.mark.parametrize("where", ["inside a file", "a folder"])
def test_backup_to_a_place_it_cannot_write_fails_clearly(migrated, runner, tmp_path, where):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / "partnertrack.backup" if where == "inside a file" else tmp_path
    listing = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    expected = "Cannot write the backup to" if where == "inside a file" else "is a folder. Give the backup a file name"
    assert expected in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == listing, "no file, partial or whole, was left"


def test_backup_that_runs_out_of_room_leaves_no_partial_file(migrated, tmp_path):
    """The disk fills half-way (a 64 KiB file size limit on the backup process): nothing is left behind."""
    with migrated.app_context():
        fill_with_ratings(count=120)
    folder = tmp_path / "backups"
    folder.mkdir()
    server = Server(migrated.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "cli-instance")
    limit = 64 * 1024
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", server.app_spec, "backup", str(folder / "partnertrack.backup")],
        cwd=ROOT,
        env={**server.env(), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed" in result.stderr and "(is the disk full?). Nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []


def fill_with_ratings(count: int) -> None:
    """Sessions rated by the world's patient with long, incompressible comments (a bigger database)."""
    import secrets

    from partnertrack.models import Partnership, Rating, TherapySession

    partnership = db.session.scalar(db.select(Partnership).order_by(Partnership.id))
    for n in range(count):
        session = TherapySession(partnership_id=partnership.id, date=partnership.started_on - timedelta(days=n + 1))
        scores = dict.fromkeys(("mutuality", "collaboration", "responsiveness", "feedback", "termination_readiness"), 5)
        session.ratings.append(Rating(rater="patient", comment=secrets.token_hex(900), **scores))
        db.session.add(session)
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # close every connection: SQLite folds its WAL back into the file


def test_backup_on_postgresql_without_pg_dump_explains_what_to_run(tmp_path, monkeypatch):
    from partnertrack import create_app
    from tests.conftest import test_config as config_for
    from tests.serverutil import free_port

    url = f"postgresql+psycopg://clinic:s3cret-pw@127.0.0.1:{free_port()}/partnertrack"
    app = create_app(config_for(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # a machine without PostgreSQL's client tools
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "partnertrack.backup")])
    assert result.exit_code == 1
    assert "pg_dump was not found on PATH" in result.output
    assert "apt-get install postgresql-client" in result.output
    assert f"pg_dump --format=custom --file PATH 'postgresql://clinic@127.0.0.1:{url.split(':')[3]}" in result.output
    assert "s3cret-pw" not in result.output
    assert not (tmp_path / "partnertrack.backup").exists()
