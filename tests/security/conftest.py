"""Fixtures of the security tests."""

from __future__ import annotations

import pytest

from partnertrack.extensions import db
from tests.conftest import make_app


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
