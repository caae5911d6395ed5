"""The second step of signing in (a code from the app or a recovery code), and the rule that holds it.

After the right password an account with two-factor sign-in is not logged in yet: the
session only remembers who is half-way (id and session version, for five minutes) and
where they were going. The code completes the sign-in; wrong codes are counted per
account and per address like wrong passwords. An account whose role must use two-factor
sign-in (two_factor.required_for) and has not set it up can reach only its set-up pages.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from partnertrack.auth import two_factor
from partnertrack.auth.service import complete_sign_in
from partnertrack.auth.two_factor_forms import CodeForm
from partnertrack.core.audit import record
from partnertrack.core.throttle import Budget, refuse_if_spent, spend
from partnertrack.extensions import db
from partnertrack.models import User

bp = Blueprint("two_factor", __name__)

PENDING = "two_factor_pending"
PENDING_SECONDS = 300
# What an account that must set up two-factor sign-in may still reach.
OPEN_WHILE_SETTING_UP = {"static", "health.healthz", "auth.logout", "two_factor.verify"}


def begin(user: User, target: str):
    """Password right, code still to come: remember who is half-way signed in and ask for the code."""
    session.clear()
    session[PENDING] = {"u": user.id, "v": user.session_version, "at": time.time(), "next": target}
    return redirect(url_for("two_factor.verify"))


def _pending_user() -> User | None:
    """The account half-way signed in on this browser, if still valid (recent, same session version, active)."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("at"), float):
        return None
    if time.time() - data["at"] > PENDING_SECONDS:
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or user.session_version != data.get("v"):
        return None
    return user


def _budgets(user: User) -> list[Budget]:
    """Wrong codes count per account (wherever they come from) and per address."""
    limit = current_app.config["TWO_FACTOR_RATE_LIMIT"]
    return [Budget(limit, f"two-factor:{user.id}"), Budget(limit, f"two-factor-client:{request.remote_addr}")]


@bp.route("/login/code", methods=["GET", "POST"])
def verify():
    """Ask for the code; the right one completes the sign-in started with the password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again: the sign-in was not finished within five minutes."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        budgets = _budgets(user)
        refuse_if_spent(budgets)
        method = two_factor.verify(user, form.code.data)
        if method is None:
            spend(budgets)
            record("login.two_factor_failed", subject_id=user.id)
            form.code.errors.append(_("That code is not right. Check that your app shows PartnerTrack and try again."))
            return render_template("auth/two_factor.html", form=form)  # 200: the failed attempt is recorded
        response = complete_sign_in(user, session[PENDING].get("next") or url_for("dashboard.index"))
        if method == "recovery code":
            record("login.recovery_code_used", user=user)
            left = two_factor.recovery_codes_left(user)
            flash(
                _("You signed in with a recovery code; %(left)s left. Make new ones under Account.", left=left), "info"
            )
        return response
    return render_template("auth/two_factor.html", form=form), 422 if form.errors else 200


@bp.before_app_request
def hold_until_set_up():
    """Send an account that must use two-factor sign-in, and has not set it up, to its set-up page."""
    if not current_user.is_authenticated or not two_factor.required_for(current_user):
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_WHILE_SETTING_UP or endpoint.startswith("account_two_factor."):
        return None
    if two_factor.enabled_for(current_user):
        return None
    flash(_("PartnerTrack asks your account to use two-factor sign-in. Please set it up to go on."), "info")
    return redirect(url_for("account_two_factor.setup"))
