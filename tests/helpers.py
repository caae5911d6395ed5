"""Reading helpers shared by the test levels: what a page says, what the database holds, who is logged in."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from flask import Flask

from partnertrack.extensions import db
from partnertrack.models import Partnership
from tests.factories import PASSWORD


def client_as(app: Flask, email: str, password: str = PASSWORD, **environ):
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


def text_of(response) -> str:
    """The page's visible text, tags removed and entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,:;)])", r"\1", text)  # "session 7 :" from "<a>session 7</a>:" reads "session 7:"


def count(app: Flask, model, **where) -> int:
    """Rows of ``model`` (matching ``where``)."""
    with app.app_context():
        query = db.select(db.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def status_of(app: Flask, partnership_id: int) -> str:
    """The partnership's status as stored."""
    with app.app_context():
        return db.session.get(Partnership, partnership_id).status


def audit_rows(app: Flask, **where) -> list:
    """Audit events matching ``where`` (column=value), oldest first."""
    from partnertrack.core.audit import AuditEvent

    with app.app_context():
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def table_snapshot(
    app: Flask, skip: tuple[str, ...] = ("audit_events", "partnership_summaries")
) -> dict[str, list[tuple]]:
    """Every row of every table (except ``skip``), to prove that nothing changed.

    Summaries are a cache a page view may write (summaries/service.py), not anyone's data.
    """
    with app.app_context():
        snapshot = {}
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            snapshot[table.name] = [tuple(row) for row in rows]
        db.session.rollback()
        return snapshot


# --- mail --------------------------------------------------------------------------------


def text_body(message) -> str:
    """The plain-text part of a received mail."""
    return message.get_body(("plain",)).get_content()


def html_body(message) -> str:
    """The HTML part of a received mail."""
    return message.get_body(("html",)).get_content()


def link_in(message, marker: str) -> str:
    """The first link of the mail's text whose address contains ``marker`` (e.g. "/form/")."""
    links = [link for link in re.findall(r"https?://\S+", text_body(message)) if marker in link]
    assert links, f"no link with {marker!r} in: {text_body(message)}"
    return links[0]


def path_of(url: str) -> str:
    """The path (and query) of an absolute link, for the test client."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def deliver(app: Flask):
    """One pass of the mail worker in this process (the periodic jobs first); its report."""
    from partnertrack.core.tasks import deliver_due, run_periodic

    with app.app_context():
        run_periodic({}, force=True)
        report = deliver_due()
        db.session.remove()
        return report


def outbox(app: Flask, **where) -> list:
    """Rows of the outbox matching ``where``, oldest first (detached)."""
    from partnertrack.core.outbox import OutboxMessage

    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        for column, value in where.items():
            query = query.where(getattr(OutboxMessage, column) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows
