"""After an account is deleted, neither the chart cache nor the audit log keeps the person.

Before, the person's charts stayed in the Redis cache for up to a day and their audit
rows kept the address they came from and the free text. The log keeps what happened and
when (it is the record of who saw a patient's data); the address and the text go.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
import redis
import sqlalchemy as sa

from partnertrack.core.audit import AuditEvent
from partnertrack.extensions import db
from tests.factories import PASSWORD, make_world, rating_form
from tests.helpers import client_as

REDIS_DB = int(os.environ.get("PARTNERTRACK_TEST_REDIS_DB", "13"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PREFIX = "erasure-test:"
ADDRESS = "198.51.100.23"


@pytest.fixture
def cached(new_app):
    """An app whose chart cache is our own Redis database, emptied before and after."""
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    app = new_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=PREFIX)
    world = make_world(app)
    yield app, world, server
    server.flushdb()
    server.close()


def test_deletion_purges_the_cached_charts_and_pseudonymises_the_audit_rows(cached):
    app, world, server = cached
    wrong = {"email": "pat@example.org", "password": "a mistyped password"}
    assert app.test_client().post("/login", data=wrong, environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 200
    patient = client_as(app, "pat@example.org", REMOTE_ADDR=ADDRESS)
    therapist = client_as(app, "tara@example.org")
    day = date.today() - timedelta(days=3)
    for client in (patient, therapist):
        assert client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day)).status_code == 302
        for name in ("alliance", "factors"):
            assert client.get(f"/partnerships/{world.partnership}/charts/{name}.svg").status_code == 200
    assert therapist.get("/caseload.svg").status_code == 200
    # Four partnership images and the caseload, and each viewer's content version (insights/images.py).
    assert len(server.keys(PREFIX + "*")) == 7
    with app.app_context():
        mine = sa.or_(AuditEvent.actor_id == world.patient, AuditEvent.subject_id == world.patient)
        before = {e.id: (e.action, e.created_at) for e in db.session.scalars(sa.select(AuditEvent).where(mine))}
        assert len(before) >= 3
        assert {e.remote_addr for e in db.session.scalars(sa.select(AuditEvent).where(mine))} == {ADDRESS}

    deleted = patient.post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    assert deleted.status_code == 302

    assert server.keys(PREFIX + "*") == [], "every chart that showed the patient's ratings is gone"
    with app.app_context():
        rows = {e.id: e for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id.in_(before)))}
        assert set(rows) == set(before), "what happened stays in the log"
        for event_id, (action, created_at) in before.items():
            event = rows[event_id]
            assert (event.action, event.created_at) == (action, created_at)
            assert event.remote_addr is None and event.detail is None
            assert event.actor_id is None and event.subject_id is None
        assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.remote_addr == ADDRESS)) is None
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.deleted")).actor_role == (
            "patient"
        )
