"""Small helpers shared by the security tests."""

from __future__ import annotations

import sqlalchemy as sa

from partnertrack.extensions import db
from tests.conftest import PASSWORD


def client_as(app, email: str, password: str = PASSWORD, **environ):
    """A fresh test client logged in as ``email`` (``environ`` e.g. REMOTE_ADDR)."""
    client = app.test_client()
    if environ:
        client.environ_base.update(environ)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login as {email} failed"
    return client


def is_login_redirect(response) -> bool:
    """True when the response sends the visitor to the login page."""
    return response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login")


def audit_rows(app, **where) -> list:
    """Audit events matching ``where`` (column=value), oldest first."""
    from partnertrack.core.audit import AuditEvent

    with app.app_context():
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def table_snapshot(app, skip: tuple[str, ...] = ("audit_events",)) -> dict[str, list[tuple]]:
    """Every row of every table (except ``skip``), to prove that nothing changed."""
    with app.app_context():
        snapshot = {}
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            snapshot[table.name] = [tuple(row) for row in rows]
        db.session.rollback()
        return snapshot
