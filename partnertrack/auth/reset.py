"""Forgotten passwords: "Forgot your password?" → a mailed one-time link valid for an hour → a new password.

The request page gives the same answer, in the same time, whether or not an account uses
the address: both paths write one audit row and the answer waits until
PASSWORD_RESET_MIN_SECONDS have passed, so neither the words nor the timing tell who has an
account. Only a hash of the link's token is stored (core/tokens.derived_token). Setting the
new password ends every session of the account, everywhere; the person then logs in with it.
"""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from partnertrack.auth.forms import normalise_email, password_field
from partnertrack.auth.models import PasswordReset
from partnertrack.auth.one_time_links import find_link, refusal
from partnertrack.core.audit import record
from partnertrack.core.clock import as_utc, now, utcnow
from partnertrack.core.outbox import OutboxMessage, Rendered, Skip, enqueue, register_renderer, render_letter
from partnertrack.core.password_policy import policy_problem
from partnertrack.core.passwords import hash_password
from partnertrack.core.refusals import N_
from partnertrack.core.tokens import derived_token, hash_token, new_nonce
from partnertrack.extensions import db, limiter
from partnertrack.models import User

bp = Blueprint("reset", __name__)
SUBJECT = _l("Reset your PartnerTrack password")
ANSWER = _l(
    "If an account uses that address, we have sent it a link to choose a new password. "
    "The link works once, for one hour. No mail after a few minutes? Check the spam folder, or ask again."
)
INVALID = _l("This password reset link is not valid. It may have been copied only in part: ask for a new one.")
USED = _l("This password reset link has already been used. If you did not change your password, ask for a new link.")
EXPIRED = _l("This password reset link has expired: links work for one hour. Ask for a new one.")


class ResetRequestForm(FlaskForm):
    """The address of the account."""

    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=_l("That email address is too long.")),
            Email(message=_l("Please enter a valid email address, like name@example.org."), check_deliverability=False),
        ],
        filters=[normalise_email],
    )
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(FlaskForm):
    """The new password, twice."""

    password = password_field(_l("New password"))
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(message=_l("Please type your new password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Set new password"))


def _limit() -> str:
    """The login rate limit also bounds reset requests and guesses at reset links."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_key() -> str:
    """Rate-limit key per address asked about, so one inbox cannot be flooded from many places."""
    return "reset-address:" + (request.form.get("email") or "").strip().lower()[:254]


def request_reset(email: str) -> None:
    """Record a reset link and its mail for the active account using ``email``; nothing for any other address."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.active:
        record("password.reset_requested", detail="no active account with that address")
        return
    nonce = new_nonce()
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    reset = PasswordReset(
        user_id=user.id,
        nonce=nonce,
        token_hash=hash_token(derived_token("password-reset", nonce)),
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    db.session.add(reset)
    db.session.flush()
    enqueue("password_reset", user.email, {"reset_id": reset.id}, user_id=user.id, ref=f"reset:{user.id}")
    record("password.reset_requested", subject_id=user.id)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_address_key)
def request_page():
    """Ask for a reset link: one answer for every address."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        started = time.perf_counter()
        request_reset(form.email.data)
        # Same time for a known and an unknown address: wait out the floor (a database write
        # is part of both paths, so the commit after this costs the same too).
        floor = float(current_app.config["PASSWORD_RESET_MIN_SECONDS"])
        time.sleep(max(0.0, floor - (time.perf_counter() - started)))
        return render_template("auth/reset_sent.html", answer=ANSWER)
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


def find_reset(token: str) -> tuple[PasswordReset | None, str | None, int]:
    """The usable reset for ``token``, else None with the message and status to show."""
    reset, reason = find_link(PasswordReset, token)
    if reset is not None and not reset.user.active:
        reason = "invalid"
    if reason:
        return refusal(reason, {"invalid": INVALID, "used": USED, "expired": EXPIRED})
    return reset, None, 200


def set_new_password(reset: PasswordReset, password: str) -> bool:
    """Use the link (once, even when two tabs race) and set the password; every session ends. Flushes."""
    used = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 0:
        return False
    user = reset.user
    user.password_hash = hash_password(password)
    user.session_version += 1
    record("account.password_reset_by_link", user=user)
    return True


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def reset_page(token: str):
    """Choose a new password with a mailed link; then log in with it."""
    reset, message, status = find_reset(token)
    if reset is None:
        return render_template("auth/reset_invalid.html", message=message), status
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = policy_problem(form.password.data, reset.user.email)
        if problem is not None:
            form.password.errors.append(problem)
        elif set_new_password(reset, form.password.data):
            flash(
                _("Your password was changed and you were logged out everywhere. Log in with the new one."), "success"
            )
            return redirect(url_for("auth.login"))
        else:
            return render_template("auth/reset_invalid.html", message=USED), 410
    return render_template("auth/reset_form.html", form=form), 422 if form.errors else 200


def render_reset(message: OutboxMessage) -> Rendered | Skip:
    """The reset mail, written at send time (nothing once the link was used or has expired)."""
    from partnertrack.notifications.unsubscribe import ALL, unsubscribe_url

    reset = db.session.get(PasswordReset, message.data.get("reset_id"))
    if reset is None or reset.used_at is not None or as_utc(reset.expires_at) <= now():
        return Skip(N_("Not sent: the link was used or expired before the mail could go out."))
    base = message.data["base_url"]
    with current_app.test_request_context(base_url=base):
        token = derived_token("password-reset", reset.nonce)
        link = url_for("reset.reset_page", token=token, _external=True)
        unsubscribe = unsubscribe_url(ALL, user_id=reset.user_id)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return render_letter("password_reset", SUBJECT, base, unsubscribe, link=link, minutes=minutes)


def register_mail(app: Flask) -> None:
    """Tell the mail worker how to write the reset mail."""
    register_renderer(app, "password_reset", render_reset)
