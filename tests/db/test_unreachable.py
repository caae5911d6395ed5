"""A database that cannot be reached: the app still starts, says why in its log, and /healthz answers 503."""

from __future__ import annotations

import logging

import pytest

from partnertrack import create_app
from tests.conftest import test_config as config_for
from tests.db.load import CSRF, http
from tests.serverutil import Server, free_port


def unreachable_url(kind: str, tmp_path) -> str:
    """A PostgreSQL server that is not listening (with a password that must not be logged), or a
    SQLite file in a folder that does not exist."""
    if kind == "postgresql":
        return f"postgresql+psycopg://partnertrack:s3cret-pw@127.0.0.1:{free_port()}/partnertrack"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'partnertrack.sqlite'}"


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_app_starts_and_healthz_answers_503(tmp_path, caplog, kind):
    with caplog.at_level(logging.ERROR):
        app = create_app(config_for(tmp_path, SQLALCHEMY_DATABASE_URI=unreachable_url(kind, tmp_path)))
    logged = caplog.text
    assert "PartnerTrack cannot reach its database" in logged and "/healthz answers 503" in logged
    assert "s3cret-pw" not in logged
    assert ("Connection refused" if kind == "postgresql" else "unable to open database file") in logged

    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "error": "the database does not answer"}


def test_real_server_starts_without_its_database(tmp_path):
    server = Server(unreachable_url("postgresql", tmp_path), tmp_path / "instance")
    server.start(wait_healthy=False)
    try:
        client = http()
        health = client.get(server.base_url + "/healthz", timeout=10)
        token = CSRF.search(client.get(server.base_url + "/login", timeout=10).text).group(1)
        login = client.post(
            server.base_url + "/login",
            data={"email": "a@example.org", "password": "x" * 12, "csrf_token": token},
            timeout=10,
        )
    finally:
        server.stop()
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    # A page that needs the database gets the plain error page, not a traceback.
    assert login.status_code == 500 and "Something went wrong on our side" in login.text
    assert "Traceback" not in login.text and "psycopg" not in login.text
    log = server.log()
    assert "PartnerTrack cannot reach its database postgresql+psycopg://partnertrack:***@127.0.0.1" in log
    assert "s3cret-pw" not in log
    assert "Traceback" not in log.split("Booting worker")[0], "start-up itself printed no traceback"


def test_setup_says_it_cannot_reach_the_database(tmp_path):
    server = Server(unreachable_url("postgresql", tmp_path), tmp_path / "instance")
    result = server.flask("setup", check=False)
    assert result.returncode == 1
    assert "Error: Cannot reach the database postgresql+psycopg://partnertrack:***@127.0.0.1" in result.stderr
    assert "Connection refused" in result.stderr and "Traceback" not in result.stderr
