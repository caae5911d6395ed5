"""The outbox: every mail is a row, written in the same transaction as the event that causes it.

A feature calls ``enqueue(kind, to, payload, …)`` inside its request; the row is committed
with the rating, the invite or the reset it belongs to, or not at all. The worker
(``core/tasks.py``) delivers it later. What a mail says is written at send time by the
renderer its feature registered for ``kind`` (``register_renderer``): the row holds ids, not
text, so no link token and no wording is stored, and a mail that is no longer wanted (the
form was filled in meanwhile, the person turned that kind of mail off) is skipped.

States: ``pending`` (waiting, or leased by a worker until ``lease_until``), ``sent``,
``failed`` (refused for good, or out of attempts; ``last_error`` says why) and ``skipped``
(no longer wanted; ``last_error`` says why).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_request_context, render_template
from flask_babel import force_locale

from partnertrack.core.clock import utcnow
from partnertrack.core.email import new_message_id, public_base_url
from partnertrack.core.i18n import current_language, mail_locale
from partnertrack.extensions import db

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
ERROR_MAX = 500


class OutboxMessage(db.Model):
    """One mail to deliver, and what became of it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'skipped')", name="ck_outbox_messages_status"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Fixed when the mail is recorded: a resend after a crash carries the same Message-ID.
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254))
    # The recipient's account and the partnership it is about, when there are: deleting
    # either deletes its mail, so an erased account leaves no address behind.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    partnership_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    # What the mail is for ("invite:3", "form:12"): the partnership page reads delivery by it.
    ref: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    payload: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=PENDING)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    lease_until: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    lease_owner: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(ERROR_MAX))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    @property
    def data(self) -> dict:
        """The payload as a dict."""
        return json.loads(self.payload or "{}")


def enqueue(
    kind: str,
    to_address: str,
    payload: dict | None = None,
    *,
    user_id: int | None = None,
    partnership_id: int | None = None,
    ref: str | None = None,
) -> OutboxMessage:
    """Record one mail in the current transaction (flushed; the caller's request commits).

    ``payload`` holds ids only, never a token or a text; the address that links start with
    is added here (``base_url``), read while the causing request is still there, and so is
    the request's language (``locale``): a recipient without an account (an invited patient)
    gets the mail in it; an account's own stored language wins at send time.
    """
    data = {"base_url": public_base_url(), **(payload or {})}
    if has_request_context():
        data.setdefault("locale", current_language())
    message = OutboxMessage(
        message_id=new_message_id(),
        kind=kind,
        to_address=to_address,
        user_id=user_id,
        partnership_id=partnership_id,
        ref=ref,
        payload=json.dumps(data, sort_keys=True),
    )
    db.session.add(message)
    db.session.flush()
    return message


@dataclass(frozen=True)
class Rendered:
    """What one mail says, written at send time; ``unsubscribe_url`` for the one-click headers."""

    subject: str
    text: str
    html: str
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class Skip:
    """Do not send: ``reason`` is kept on the row and shown where its delivery is shown."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not now (quiet hours): try again at ``at``, without counting an attempt."""

    at: datetime


Renderer = Callable[[OutboxMessage], Rendered | Skip | Later]
_REGISTRY = "partnertrack.mail_renderers"


def register_renderer(app: Flask, kind: str, renderer: Renderer) -> None:
    """Tell the worker how to write mails of ``kind`` (each feature registers its own kinds)."""
    app.extensions.setdefault(_REGISTRY, {})[kind] = renderer


def render(message: OutboxMessage) -> Rendered | Skip | Later:
    """The mail ``message`` stands for, written now by its kind's renderer in the recipient's language."""
    renderer = current_app.extensions.get(_REGISTRY, {}).get(message.kind)
    if renderer is None:
        return Skip(f"no renderer for mail of kind {message.kind!r}")
    with force_locale(mail_locale(message.user_id, message.data.get("locale"))):
        return renderer(message)


def latest_by_ref(refs: list[str]) -> dict[str, OutboxMessage]:
    """The newest mail recorded for each of ``refs`` (one query)."""
    if not refs:
        return {}
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.ref.in_(refs)).order_by(OutboxMessage.id)
    ).all()
    return {row.ref: row for row in rows}


def render_letter(template: str, subject: str, base_url: str, unsubscribe_url: str | None, **context) -> Rendered:
    """Write a mail from ``templates/email/<template>.txt`` and ``.html`` with links under ``base_url``.

    The worker has no request of its own: a request context for ``base_url`` lets the
    templates build absolute links with ``url_for(..., _external=True)``.
    """
    subject = str(subject)  # a lazy string is translated here, in the mail's language
    values = {**context, "subject": subject, "base_url": base_url, "unsubscribe_url": unsubscribe_url}
    with current_app.test_request_context(base_url=base_url):
        text = render_template(f"email/{template}.txt", **values)
        html = render_template(f"email/{template}.html", **values)
    return Rendered(subject, text, html, unsubscribe_url)


def forget_old_mail() -> int:
    """Delete finished mail older than MAIL_KEEP_DAYS (addresses are personal data); how many rows."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(days=current_app.config["MAIL_KEEP_DAYS"])
    result = db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.status != PENDING, OutboxMessage.created_at < cutoff)
    )
    return result.rowcount


def forget_address(address: str) -> None:
    """Delete every mail to ``address`` (an erased account's own address, also on invites). Flushes."""
    db.session.execute(sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.to_address) == address.lower()))
