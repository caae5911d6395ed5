"""Opening partnerships, issuing invites and joining them (changes are flushed; the request commits)."""

from __future__ import annotations

import hmac
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from partnertrack.core.clock import as_utc, utcnow
from partnertrack.core.tokens import TOKEN_MAX_LENGTH, derived_token, hash_token, new_nonce
from partnertrack.extensions import db
from partnertrack.models import Invite, Partnership, User
from partnertrack.partnerships.endings import check_can_end

INVITE_PURPOSE = "invite"  # what an invite token is derived for (core/tokens.derived_token)


def open_partnership(therapist: User, patient_name: str, started_on: date) -> tuple[Partnership, str]:
    """Create a partnership and its first invite; returns the raw invite token (shown once)."""
    partnership = Partnership(therapist=therapist, patient_name=patient_name.strip(), started_on=started_on)
    db.session.add(partnership)
    db.session.flush()
    token = new_invite(partnership)
    return partnership, token


def new_invite(partnership: Partnership) -> str:
    """Issue a fresh invite and retire the unused older ones; returns the raw token."""
    now = utcnow()
    for old in (
        db.session.scalars(db.select(Invite).where(Invite.partnership_id == partnership.id, Invite.used_at.is_(None)))
        if partnership.id
        else []
    ):
        old.used_at = now
    nonce = new_nonce()
    token = invite_token(nonce)
    days = current_app.config["INVITE_DAYS"]
    invite = Invite(
        partnership=partnership, token_hash=hash_token(token), nonce=nonce, expires_at=now + timedelta(days=days)
    )
    db.session.add(invite)
    db.session.flush()
    return token


def invite_token(nonce: str) -> str:
    """The invite link's token, derived from the nonce stored with the invite (the mail worker writes it again)."""
    return derived_token(INVITE_PURPOSE, nonce)


def current_invite_token(partnership: Partnership) -> str | None:
    """The token of the partnership's usable invite, derived again from its nonce; None when there is none.

    None too for an invite whose link can no longer be made: one from before links were
    derived, or made under another secret key (the stored hash no longer matches).
    """
    invite = db.session.scalar(
        db.select(Invite)
        .where(Invite.partnership_id == partnership.id, Invite.used_at.is_(None))
        .order_by(Invite.id.desc())
        .limit(1)
    )
    if invite is None or not invite.nonce or as_utc(invite.expires_at) <= utcnow():
        return None
    token = invite_token(invite.nonce)
    return token if hmac.compare_digest(hash_token(token), invite.token_hash) else None


class InviteProblem(Exception):
    """Why an invite link cannot be used; the message is shown to the visitor."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def find_invite(token: str) -> Invite:
    """The usable invite for ``token``, or InviteProblem saying why it is not usable."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise InviteProblem(_l("This invite link is not valid. Please ask your therapist for a new one."), 404)
    invite = db.session.scalar(db.select(Invite).where(Invite.token_hash == hash_token(token)))
    if invite is None:
        raise InviteProblem(_l("This invite link is not valid. Please ask your therapist for a new one."), 404)
    if invite.used_at is not None:
        raise InviteProblem(
            _l(
                "This invite link has already been used. If you joined with it, log in; "
                "otherwise ask your therapist for a new link."
            ),
            410,
        )
    if as_utc(invite.expires_at) <= utcnow():
        raise InviteProblem(_l("This invite link has expired. Please ask your therapist for a new one."), 410)
    if invite.partnership.patient_id is not None:
        raise InviteProblem(_l("This partnership already has a patient."), 410)
    return invite


def join(invite: Invite, patient: User) -> Partnership:
    """Make ``patient`` the partnership's patient and use up the invite."""
    # A conditional update, so two people racing with the same link cannot both join.
    claimed = db.session.execute(
        db.update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise InviteProblem(_l("This invite link has already been used."), 410)
    partnership = invite.partnership
    partnership.patient = patient
    if partnership.status == "invited":
        partnership.status = "active"
    return partnership


def end_without_agreement(partnership: Partnership, role: str, reason: str | None) -> None:
    """End ``partnership`` now, by ``role``, for ``reason`` (partnerships/endings.py); flushes.

    Open talk-soon requests end with it: nothing is left asking for attention.
    """
    check_can_end(partnership.status, reason)
    partnership.status = "ended"
    partnership.end_reason = reason
    partnership.ended_by = role
    partnership.talk_soon_at = None
    db.session.flush()
