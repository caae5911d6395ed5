"""What is mailed to whom, recorded in the transaction of the event that causes it (flushes only).

Every function here only records mail in the outbox (core/outbox.py); the worker sends it,
and the renderers (messages.py) write it at send time. ``alert_therapist`` is the one call
for every "the therapist should know now" event: a concern raised by the patient, a request
to talk soon.
"""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from partnertrack.core.outbox import PENDING, OutboxMessage, enqueue
from partnertrack.core.roles import Role
from partnertrack.core.tokens import hash_token
from partnertrack.extensions import db
from partnertrack.models import Invite, Partnership, TherapySession
from partnertrack.notifications.links import issue_form_link, patient_has_rated

ALERT_REASONS = ("concern", "talk_soon")


def send_invite_token(token: str, address: str) -> None:
    """Mail the invite whose link carries ``token`` (just made by partnerships/service) to ``address``."""
    invite = db.session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))
    send_invite(invite, address)


def send_invite(invite: Invite, address: str) -> None:
    """Mail the invite link of ``invite`` to ``address`` (the therapist typed it)."""
    enqueue(
        "invite",
        address.strip(),
        {"invite_id": invite.id},
        partnership_id=invite.partnership_id,
        ref=f"invite:{invite.partnership_id}",
    )


def send_form_link(therapy_session: TherapySession) -> bool:
    """Mail the patient a link to this session's form, once per session; True when one was recorded.

    Called when the therapist rates a session (or records it as held). Nothing is sent
    when the partnership has no patient, has ended, or the patient has rated already.
    """
    partnership = therapy_session.partnership
    if partnership.patient_id is None or partnership.read_only or patient_has_rated(therapy_session.id):
        return False
    link = issue_form_link(therapy_session, partnership.patient_id)
    if link is None:
        return False
    enqueue(
        "form_link",
        partnership.patient.email,
        {"link_id": link.id},
        user_id=partnership.patient_id,
        partnership_id=partnership.id,
        ref=f"form:{therapy_session.id}",
    )
    return True


def send_form_link_for(partnership: Partnership, day: date) -> bool:
    """``send_form_link`` for the partnership's session on ``day`` (False when there is none)."""
    therapy_session = db.session.scalar(
        sa.select(TherapySession).where(TherapySession.partnership_id == partnership.id, TherapySession.date == day)
    )
    return therapy_session is not None and send_form_link(therapy_session)


def alert_therapist(partnership: Partnership, reason: str) -> None:
    """Tell the partnership's therapist at once that the patient needs their attention.

    ``reason`` is "concern" (the patient raised one) or "talk_soon" (asked to talk soon).
    The mail names neither the patient nor what they wrote; it links to the partnership.
    """
    if reason not in ALERT_REASONS:
        raise ValueError(f"unknown alert reason {reason!r}")
    if partnership.read_only or _alert_waiting(partnership.id, reason):
        return  # one unsent alert already says so: a second would only repeat it
    therapist = partnership.therapist
    enqueue(
        "alert",
        therapist.email,
        {"partnership_id": partnership.id, "reason": reason},
        user_id=therapist.id,
        partnership_id=partnership.id,
        ref=f"alert:{partnership.id}",
    )


def _alert_waiting(partnership_id: int, reason: str) -> bool:
    """True when an alert of ``reason`` for the partnership is recorded and not sent yet."""
    waiting = db.session.scalars(
        sa.select(OutboxMessage.payload).where(
            OutboxMessage.ref == f"alert:{partnership_id}", OutboxMessage.status == PENDING
        )
    ).all()
    return any(json.loads(payload).get("reason") == reason for payload in waiting)


def concern_raised(partnership: Partnership, role: str) -> None:
    """A concern was raised: the therapist hears of it when the patient raised it."""
    if role == Role.PATIENT:
        alert_therapist(partnership, "concern")
