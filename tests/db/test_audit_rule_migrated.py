"""The audit log's rule as the migrations install it: erasure may blank, nothing else may change.

tests/db/test_migrations.py compares trigger names; this checks what the migrated triggers
do, on the suite's engine: after 0003 an event's address and text may become NULL (an
account's erasure), and any other change is still refused.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnertrack.core.schema import upgrade_schema
from partnertrack.extensions import db
from tests.db.dbutil import database_url, seeding_app


@pytest.fixture
def migrated(tmp_path):
    """An app on a database built by the migrations, holding one audit event."""
    app = seeding_app(database_url(tmp_path), tmp_path)
    with app.app_context():
        upgrade_schema()
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO audit_events (created_at, action, detail, remote_addr) "
                    "VALUES (CURRENT_TIMESTAMP, 'login.failed', 'wrong password', '198.51.100.7')"
                )
            )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'forged'",
        "UPDATE audit_events SET remote_addr = '10.9.9.9'",
        "UPDATE audit_events SET detail = 'rewritten'",
        "DELETE FROM audit_events",
    ],
)
def test_the_migrated_log_still_refuses_changes(migrated, statement):
    with migrated.app_context(), pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text(statement))


def test_the_migrated_log_lets_erasure_blank_the_address_and_text(migrated):
    with migrated.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_events SET remote_addr = NULL, detail = NULL"))
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT action, detail, remote_addr FROM audit_events")).one()
        assert tuple(row) == ("login.failed", None, None)
