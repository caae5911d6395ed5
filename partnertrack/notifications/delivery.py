"""What the therapist reads on the partnership page about the mail sent to the patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from partnertrack.core.clock import as_utc
from partnertrack.core.outbox import FAILED, PENDING, SENT, OutboxMessage
from partnertrack.extensions import db
from partnertrack.models import Partnership, TherapySession

SHOWN = 8  # the newest mails to the patient; older ones are history nobody acts on


@dataclass(frozen=True)
class Delivery:
    """One mail to the patient as the therapist sees it."""

    what: str
    to: str
    state: str  # "delivered", "waiting", "refused", "not sent", in the viewer's language
    when: datetime | None
    detail: str | None
    refused: bool = False  # the mail server refused it: the address needs checking
    invite: bool = False


def _what(row: OutboxMessage, dates: dict[int, object]) -> str:
    """ "Invite", "Form link for the session of 3 December 2026", "Reminder for …"."""
    if row.kind == "invite":
        return _("Invite")
    session_id = int(row.ref.partition(":")[2]) if row.ref else 0
    day = dates.get(session_id)
    if not day:
        return _("Form link") if row.kind == "form_link" else _("Reminder")
    day_text = format_date(day, "dd MMMM y")
    if row.kind == "form_link":
        return _("Form link for the session of %(date)s", date=day_text)
    return _("Reminder for the session of %(date)s", date=day_text)


def _state(row: OutboxMessage) -> tuple[str, datetime | None, str | None]:
    """The state in words, when it happened, and the server's words or the reason.

    A reason PartnerTrack wrote ("Not sent: …", marked with N_ where the mail is skipped) is
    stored in English and translated here; a mail server's own words stay as they came.
    """
    reason = _(row.last_error) if row.last_error else row.last_error
    if row.status == SENT:
        return _("delivered to the mail server"), as_utc(row.sent_at) if row.sent_at else None, None
    if row.status == PENDING:
        detail = _("Not sent yet, trying again: %(reason)s", reason=reason) if row.last_error else None
        return _("waiting to be sent"), None, detail
    if row.status == FAILED:
        return _("refused"), None, reason
    return _("not sent"), None, reason


def deliveries(partnership: Partnership) -> list[Delivery]:
    """The newest invites, form links and reminders of the partnership, newest first (two queries)."""
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.partnership_id == partnership.id,
            OutboxMessage.kind.in_(("invite", "form_link", "reminder")),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(SHOWN)
    ).all()
    if not rows:
        return []
    dates = dict(
        db.session.execute(
            sa.select(TherapySession.id, TherapySession.date).where(TherapySession.partnership_id == partnership.id)
        ).all()
    )
    return [
        Delivery(_what(row, dates), row.to_address, *_state(row), row.status == FAILED, row.kind == "invite")
        for row in rows
    ]
