"""Sign-up by a mailed link, where mail is set up: one answer for a new and a taken address.

Answering "that address is taken" tells anyone which addresses have an account. Where mail
can reach people, the sign-up form therefore answers every valid request the same way, in
the same time: a new address gets a link that finishes the account (the account exists only
once the link is opened and confirmed); a taken address gets a mail telling its owner that
someone tried, with links to log in or reset the password. Only a hash of the link's token and
of the password are stored. Without mail (one machine, nothing set up) sign-up finishes at
once, as before; docs/security.md says why both exist.
"""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from partnertrack.auth.models import PendingSignup
from partnertrack.auth.one_time_links import find_link, refusal
from partnertrack.core.audit import record
from partnertrack.core.clock import as_utc, now, utcnow
from partnertrack.core.outbox import OutboxMessage, Rendered, Skip, enqueue, register_renderer, render_letter
from partnertrack.core.passwords import hash_password
from partnertrack.core.refusals import N_
from partnertrack.core.roles import Role
from partnertrack.core.tasks import register_periodic
from partnertrack.core.tokens import derived_token, hash_token, new_nonce
from partnertrack.extensions import db
from partnertrack.models import User

PURPOSE = "signup"
ANSWER = N_(
    "We have sent a link to that address to finish creating your account. It works once, for %(hours)s hours. "
    "No mail after a few minutes? Check the spam folder, or sign up again."
)
CONFIRM_SUBJECT = _l("Finish creating your PartnerTrack account")
TAKEN_SUBJECT = _l("Someone tried to create a PartnerTrack account with your address")
INVALID = _l("This sign-up link is not valid. It may have been copied only in part: sign up again for a new one.")
USED = _l("This sign-up link has already been used. Log in with the address and password you chose.")
EXPIRED = _l("This sign-up link has expired. Sign up again for a new one.")
TAKEN_NOW = _l("An account with this address was created meanwhile. Log in, or reset its password.")


def by_mail() -> bool:
    """True where sign-up finishes by a mailed link (SIGNUP_BY_MAIL; unset: wherever MAIL_SERVER is set)."""
    setting = current_app.config.get("SIGNUP_BY_MAIL")
    return bool(current_app.config.get("MAIL_SERVER")) if setting is None else bool(setting)


def answer() -> str:
    """The one answer to every valid sign-up, new address or taken."""
    return _(ANSWER, hours=current_app.config["SIGNUP_LINK_HOURS"])


def request_signup(name: str, email: str, password: str) -> None:
    """Record the mail for ``email``: a finishing link when the address is free, a notice to its owner if not.

    Both paths hash the password and write one pending row or outbox row and one audit row,
    then wait out SIGNUP_MIN_SECONDS, so neither the answer nor its time tells them apart.
    """
    started = time.perf_counter()
    password_hash = hash_password(password)
    owner = db.session.scalar(sa.select(User).where(User.email == email))
    if owner is not None:
        enqueue("signup_taken", owner.email, {"user_id": owner.id}, user_id=owner.id, ref=f"signup-taken:{owner.id}")
        record("account.signup_requested", detail="address already has an account")
    else:
        nonce = new_nonce()
        pending = PendingSignup(
            name=name,
            email=email,
            password_hash=password_hash,
            nonce=nonce,
            token_hash=hash_token(derived_token(PURPOSE, nonce)),
            expires_at=utcnow() + timedelta(hours=current_app.config["SIGNUP_LINK_HOURS"]),
        )
        db.session.add(pending)
        db.session.flush()
        enqueue("signup_confirm", email, {"signup_id": pending.id})
        record("account.signup_requested", detail="link sent")
    floor = float(current_app.config["SIGNUP_MIN_SECONDS"])
    time.sleep(max(0.0, floor - (time.perf_counter() - started)))


def find_pending(token: str) -> tuple[PendingSignup | None, str | None, int]:
    """The usable pending sign-up for ``token``, else None with the message and status to show."""
    pending, reason = find_link(PendingSignup, token)
    if reason:
        return refusal(reason, {"invalid": INVALID, "used": USED, "expired": EXPIRED})
    if db.session.scalar(sa.select(User.id).where(User.email == pending.email)) is not None:
        return None, TAKEN_NOW, 409
    return pending, None, 200


def finish_signup(pending: PendingSignup) -> User | None:
    """Use the link (once, even when two tabs race) and make the therapist account; None if already used.

    Every other pending sign-up of the address is used up with it. Flushes.
    """
    used = db.session.execute(
        sa.update(PendingSignup)
        .where(PendingSignup.email == pending.email, PendingSignup.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 0:
        return None
    # The password was chosen on the sign-up form and kept only as its hash.
    user = User(name=pending.name, email=pending.email, password_hash=pending.password_hash, role=Role.THERAPIST)
    db.session.add(user)
    db.session.flush()
    return user


def render_confirm(message: OutboxMessage) -> Rendered | Skip:
    """The finishing link, written at send time (nothing once it was used or has expired)."""
    pending = db.session.get(PendingSignup, message.data.get("signup_id"))
    if pending is None or pending.used_at is not None or as_utc(pending.expires_at) <= now():
        return Skip(N_("Not sent: the sign-up was finished or expired before the mail could go out."))
    base = message.data["base_url"]
    with current_app.test_request_context(base_url=base):
        link = url_for("auth.finish_signup_page", token=derived_token(PURPOSE, pending.nonce), _external=True)
    hours = current_app.config["SIGNUP_LINK_HOURS"]
    return render_letter("signup_confirm", CONFIRM_SUBJECT, base, None, link=link, hours=hours)


def render_taken(message: OutboxMessage) -> Rendered | Skip:
    """The notice to an address's owner that someone tried to sign up with it."""
    from partnertrack.notifications.unsubscribe import ALL, unsubscribe_url

    user = db.session.get(User, message.data.get("user_id"))
    if user is None:
        return Skip(N_("Not sent: the account no longer exists."))
    base = message.data["base_url"]
    with current_app.test_request_context(base_url=base):
        login = url_for("auth.login", _external=True)
        reset = url_for("reset.request_page", _external=True)
        unsubscribe = unsubscribe_url(ALL, user_id=user.id)
    return render_letter("signup_taken", TAKEN_SUBJECT, base, unsubscribe, login=login, reset=reset)


def forget_old_signups() -> int:
    """Delete pending sign-ups that were used or have expired (a name and an address are personal data)."""
    result = db.session.execute(
        sa.delete(PendingSignup).where(sa.or_(PendingSignup.used_at.is_not(None), PendingSignup.expires_at < utcnow()))
    )
    return result.rowcount


def register_mail(app: Flask) -> None:
    """Tell the mail worker how to write the two sign-up mails, and to forget finished sign-ups."""
    register_renderer(app, "signup_confirm", render_confirm)
    register_renderer(app, "signup_taken", render_taken)
    register_periodic(app, "signup.cleanup", forget_old_signups, every_seconds=3600)
