"""The account's two-factor sign-in: set it up with an authenticator app, new recovery codes, turn it off.

Every step asks for the password again (a stolen session cannot take over the second
factor), and counts wrong passwords per account like the other password forms. Turning
it on ends every other session: they were not signed in with the second factor.
"""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from partnertrack.auth import two_factor
from partnertrack.auth.service import start_session
from partnertrack.auth.two_factor_forms import PasswordConfirmForm, SetupForm
from partnertrack.core.audit import record
from partnertrack.core.passwords import check_password
from partnertrack.core.throttle import Budget, refuse_if_spent, spend

bp = Blueprint("account_two_factor", __name__, url_prefix="/account/two-factor")

WRONG_PASSWORD = "That is not your current password."


def _password_ok(form) -> bool:
    """Check the re-entered password, counting a wrong one against the account (LOGIN_RATE_LIMIT)."""
    budgets = [Budget(current_app.config["LOGIN_RATE_LIMIT"], f"two-factor-password:{current_user.id}")]
    refuse_if_spent(budgets)
    if check_password(current_user.password_hash, form.current.data):
        return True
    spend(budgets)
    form.current.errors.append(WRONG_PASSWORD)
    return False


@bp.get("/")
@login_required
def index():
    """Whether two-factor sign-in is on, and what can be done about it."""
    user = current_user._get_current_object()
    return render_template(
        "account/two_factor.html",
        enabled=two_factor.enabled_for(user),
        required=two_factor.required_for(user),
        codes_left=two_factor.recovery_codes_left(user),
        form=PasswordConfirmForm(),
    )


@bp.route("/setup", methods=["GET", "POST"])
@login_required
def setup():
    """Show the QR code and the key, then turn it on with the first code from the app."""
    user = current_user._get_current_object()
    if two_factor.enabled_for(user):
        return redirect(url_for("account_two_factor.index"))
    secret = two_factor.pending_secret(user)
    form = SetupForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = two_factor.confirm(user, form.code.data)
        if codes is not None:
            user.session_version += 1
            record("account.two_factor_enabled", user=user)
            start_session(user)
            flash(_("Two-factor sign-in is on. You were logged out on every other device."), "success")
            return render_template("account/recovery_codes.html", codes=codes)
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the newest code."))
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "account/two_factor_setup.html",
        form=form,
        qr=segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        key=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), 422 if form.errors else 200


@bp.post("/recovery-codes")
@login_required
def recovery_codes():
    """Replace the recovery codes (the old ones stop working) and show the new ones once."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm()
    if not two_factor.enabled_for(user):
        return redirect(url_for("account_two_factor.index"))
    if form.validate_on_submit() and _password_ok(form):
        codes = two_factor.new_recovery_codes(user)
        record("account.recovery_codes_renewed", user=user)
        return render_template("account/recovery_codes.html", codes=codes)
    flash(form.current.errors[0] if form.current.errors else "Please enter your current password.", "error")
    return redirect(url_for("account_two_factor.index"))


@bp.post("/disable")
@login_required
def disable():
    """Turn two-factor sign-in off, unless the account's role must use it."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm()
    if two_factor.required_for(user):
        flash(_("Your account must use two-factor sign-in, so it cannot be turned off."), "error")
    elif form.validate_on_submit() and _password_ok(form):
        two_factor.turn_off(user)
        record("account.two_factor_disabled", user=user)
        flash(_("Two-factor sign-in is off. Your password alone now signs you in."), "info")
    else:
        flash(form.current.errors[0] if form.current.errors else "Please enter your current password.", "error")
    return redirect(url_for("account_two_factor.index"))
