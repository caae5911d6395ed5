"""Reading the audit log: what each user may see of it, in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from partnertrack.core.audit import AuditEvent
from partnertrack.core.clock import as_utc
from partnertrack.extensions import db
from partnertrack.models import Partnership, User

LIMIT = 500


@dataclass(frozen=True)
class ActivityRow:
    """One event as a reader sees it."""

    at: datetime
    who: str
    what: str
    partnership: str | None
    detail: str | None
    address: str | None


def my_partnerships(user: User) -> dict[int, Partnership]:
    """The partnerships ``user`` is (or was, as therapist) a member of, by id."""
    rows = db.session.scalars(
        sa.select(Partnership).where(sa.or_(Partnership.therapist_id == user.id, Partnership.patient_id == user.id))
    )
    return {p.id: p for p in rows}


def activity_for(user: User, partnership_id: int | None = None) -> list[ActivityRow]:
    """The newest events of ``user``'s partnerships and of their own account.

    A patient reads who viewed, exported or changed their partnership's data;
    a therapist reads the log of every partnership they hold. Addresses are
    shown only for the reader's own actions and for attempts on their account:
    the partner's address is the partner's personal data.
    """
    partnerships = my_partnerships(user)
    if partnership_id in partnerships:
        where = AuditEvent.partnership_id == partnership_id
    else:
        own = sa.or_(AuditEvent.actor_id == user.id, AuditEvent.subject_id == user.id)
        where = sa.or_(own, AuditEvent.partnership_id.in_(list(partnerships)))
    events = db.session.scalars(sa.select(AuditEvent).where(where).order_by(AuditEvent.id.desc()).limit(LIMIT)).all()
    names = _names({e.actor_id for e in events} - {None})
    return [_row(e, user, names, partnerships) for e in events]


def _names(user_ids: set[int]) -> dict[int, str]:
    """Display names of the actors."""
    if not user_ids:
        return {}
    return {row.id: row.name for row in db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids)))}


def _row(event: AuditEvent, reader: User, names: dict[int, str], partnerships: dict[int, Partnership]) -> ActivityRow:
    """One event in words, for ``reader``."""
    mine = event.actor_id == reader.id or event.subject_id == reader.id
    partnership = partnerships.get(event.partnership_id) if event.partnership_id else None
    return ActivityRow(
        at=as_utc(event.created_at),
        who=_who(event, reader, names),
        what=event.label,
        partnership=_partnership_label(partnership, reader) if partnership else None,
        detail=event.detail,
        address=event.remote_addr if mine else None,
    )


def _who(event: AuditEvent, reader: User, names: dict[int, str]) -> str:
    """ "You", the actor's name, or what is known of an erased or unknown actor."""
    if event.actor_id == reader.id:
        return _("You")
    if event.actor_id is not None:
        name = names.get(event.actor_id) or _("An account")
        return f"{name} ({_role_word(event.actor_role)})" if event.actor_role else name
    if event.actor_role == "therapist":
        return _("The therapist (account deleted)")
    if event.actor_role:
        return _("The patient (account deleted)")
    if event.remote_addr is None:
        return _("An administrator (command line)")
    return _("Someone not logged in")


def _role_word(role: str) -> str:
    """A role as the reader's language names it."""
    return _("therapist") if role == "therapist" else _("patient")


def _partnership_label(partnership: Partnership, reader: User) -> str:
    """How the reader names a partnership: the patient's name, or "with" the therapist."""
    if partnership.therapist_id == reader.id:
        return partnership.patient_name
    return _("With %(name)s", name=partnership.therapist.name)
