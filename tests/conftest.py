"""Shared fixtures: an app on a clean database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from partnertrack import create_app
from partnertrack.extensions import db
from tests.factories import PASSWORD, World, make_world
from tests.mailserver import MailServer

TEST_DATABASE_URL = os.environ.get("PARTNERTRACK_TEST_DATABASE_URL")


def test_config(tmp_path, **overrides) -> dict:
    """Settings for a test app: its own database, cheap argon2, CSRF and limits off unless asked."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # The one-machine default storage, in the test's own folder (counts never cross tests).
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimits.sqlite'}",
        # Real argon2id, at a lower cost so the suite stays quick.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8 * 1024,
        "ARGON2_PARALLELISM": 1,
        "SERVER_NAME": None,
        # The reset page's answer floor (same timing for every address) has its own test.
        "PASSWORD_RESET_MIN_SECONDS": 0,
        # Mail without a server is written here, never into the checkout's instance folder.
        "MAIL_FILE_FOLDER": str(tmp_path / "mail"),
    }
    config.update(overrides)
    return config


def reset_database() -> None:
    """Drop and recreate every table, so each test starts empty on either engine."""
    db.drop_all()
    if db.engine.dialect.name == "postgresql":
        # Tables made by other tools (alembic_version) would otherwise survive.
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()


# Every app make_app built during the current test, closed by close_made_apps afterwards.
_made_apps: list = []


def make_app(tmp_path, **overrides):
    """A fresh app on an empty database (its connections are closed after the test)."""
    app = create_app(test_config(tmp_path, **overrides))
    with app.app_context():
        reset_database()
    _made_apps.append(app)
    return app


@pytest.fixture(autouse=True)
def close_made_apps():
    """Close the pooled connections of the apps a test made with make_app.

    Left to the garbage collector, an open PostgreSQL connection makes psycopg warn (an
    error here, failing whichever later test is running) and holds a server slot till then.
    """
    yield
    while _made_apps:
        app = _made_apps.pop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    """The app on an empty database."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def new_app(tmp_path):
    """Build apps with their own settings; their database connections are closed afterwards.

    An app left with open PostgreSQL connections warns when it is collected,
    and the suite turns warnings into failures of whichever test runs then.
    """
    apps = []

    def build(**overrides):
        """A fresh app on an empty database (a folder of its own for SQLite)."""
        folder = tmp_path / f"app{len(apps)}"
        folder.mkdir()
        app = make_app(folder, **overrides)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def world(app) -> World:
    """Therapist T with patient P, and therapist O with patient Q in a separate partnership."""
    return make_world(app)


class Auth:
    """Log a test client in and out as one of the world's people."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        """Post the login form."""
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        """Post the logout form."""
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    """Login helper bound to the test client."""
    return Auth(client)


@pytest.fixture
def mail_server():
    """A real SMTP server (aiosmtpd) on a free port for this test."""
    with MailServer() as smtp:
        yield smtp


@pytest.fixture
def mail_app(tmp_path, mail_server):
    """The app on an empty database, sending its mail to ``mail_server``."""
    app = make_app(tmp_path, **mail_server.settings())
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
