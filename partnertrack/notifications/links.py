"""Form links: a mailed link that opens one session's form for its patient, once, for 72 hours.

Only the token's hash is stored; the token is derived from the row's nonce under the
secret key, so the mail worker writes the same link at send time (core/tokens.py).
Opening a usable link starts a restricted session (access.py) that reaches that one
form and nothing else; saving the form uses the link up and ends the restricted session.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from partnertrack.core.clock import as_utc, utcnow
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.roles import Role
from partnertrack.core.tokens import TOKEN_MAX_LENGTH, derived_token, hash_token, new_nonce
from partnertrack.extensions import db
from partnertrack.models import Rating, TherapySession
from partnertrack.notifications.models import FormLink

INVALID = _l("This link is not valid. It may have been copied only in part. Log in to rate the session instead.")
USED = _l("This link has already been used: each link opens its form once. Log in to see or change your rating.")
EXPIRED = _l("This link has expired: links work for {hours} hours. Log in to rate the session instead.")
RATED = _l("You have already rated this session. Log in to see your rating or change it.")
CLOSED = _l("This form can no longer be filled in from a link. Log in to see the partnership.")


class LinkProblem(Exception):
    """Why a form link cannot be used; the message is shown as is, with ``status``."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def form_token(link: FormLink) -> str:
    """The token of ``link``'s URL."""
    return derived_token("form-link", link.nonce)


def issue_form_link(therapy_session: TherapySession, patient_id: int, purpose: str = "link") -> FormLink | None:
    """A new link to the session's form for its patient; None when the session already has one of ``purpose``.

    At most one first link and one reminder link per session (a unique index), so a double
    click or two workers never mail a second one.
    """
    now = utcnow()
    nonce = new_nonce()
    values = {
        "session_id": therapy_session.id,
        "user_id": patient_id,
        "purpose": purpose,
        "nonce": nonce,
        "token_hash": hash_token(derived_token("form-link", nonce)),
        "created_at": now,
        "expires_at": now + timedelta(hours=current_app.config["FORM_LINK_HOURS"]),
    }
    if not insert_ignoring_duplicates(FormLink, values, ("session_id", "purpose")):
        return None
    return db.session.scalar(
        sa.select(FormLink).where(FormLink.session_id == therapy_session.id, FormLink.purpose == purpose)
    )


def patient_has_rated(session_id: int) -> bool:
    """True when the session has the patient's rating."""
    found = db.session.scalar(sa.select(Rating.id).where(Rating.session_id == session_id, Rating.rater == Role.PATIENT))
    return found is not None


def problem_with(link: FormLink) -> LinkProblem | None:
    """Why ``link`` cannot open its form now, or None when it can."""
    if link.used_at is not None:
        return LinkProblem(USED, 410)
    if as_utc(link.expires_at) <= utcnow():
        return LinkProblem(EXPIRED.format(hours=current_app.config["FORM_LINK_HOURS"]), 410)
    partnership = link.therapy_session.partnership
    if partnership.read_only or partnership.patient_id != link.user_id or not link.user.active:
        return LinkProblem(CLOSED, 410)
    if patient_has_rated(link.session_id):
        return LinkProblem(RATED, 410)
    return None


def find_form_link(token: str) -> FormLink:
    """The usable link for ``token``, or LinkProblem saying why not (nothing is changed)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise LinkProblem(INVALID, 404)
    link = db.session.scalar(sa.select(FormLink).where(FormLink.token_hash == hash_token(token)))
    if link is None:
        raise LinkProblem(INVALID, 404)
    problem = problem_with(link)
    if problem is not None:
        raise problem
    return link


def use_form_link(link_id: int) -> bool:
    """Mark the link used, unless another request already did (a conditional UPDATE); True if this one did."""
    result = db.session.execute(
        sa.update(FormLink)
        .where(FormLink.id == link_id, FormLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
