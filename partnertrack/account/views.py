"""The account pages: overview, password change, all my data, deletion, activity log."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from partnertrack.account.activity import activity_for, my_partnerships
from partnertrack.account.data import build_export
from partnertrack.account.erasure import delete_account, deletion_blocker
from partnertrack.account.forms import DeleteAccountForm, LanguageForm, PasswordChangeForm
from partnertrack.account.language import set_language
from partnertrack.auth.service import start_session
from partnertrack.core.audit import record
from partnertrack.core.password_policy import policy_problem
from partnertrack.core.passwords import check_password, hash_password
from partnertrack.extensions import limiter

bp = Blueprint("account", __name__, url_prefix="/account")


def _password_attempt_key() -> str:
    """Rate-limit key for re-entering the password: per account, so a stolen session cannot guess it."""
    if current_user.is_authenticated:
        return f"account-password:{current_user.id}"
    return f"account-password-anon:{request.remote_addr}"


def _limit() -> str:
    """The configured login rate limit, also used for password re-entry."""
    return current_app.config["LOGIN_RATE_LIMIT"]


# One budget for both forms that ask for the password again.
password_reentry = limiter.shared_limit(
    _limit, scope="account-password", key_func=_password_attempt_key, methods=["POST"]
)


@bp.get("/")
@login_required
def index():
    """The user's account: who they are and what they can do with their data."""
    return _account_page(LanguageForm(language=current_user.language or ""))


def _account_page(language_form: LanguageForm, status: int = 200):
    """The account page with the language form as given (a refused choice shows its error)."""
    from partnertrack.clinic.service import consent_of

    consent = consent_of(current_user) if current_user.role == "patient" else False
    page = render_template(
        "account/index.html",
        blocker=deletion_blocker(current_user),
        supervision_consent=consent,
        language_form=language_form,
    )
    return page, status


@bp.post("/language")
@login_required
def language():
    """Store the language chosen for the user's pages and mail (or follow the browser again)."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return _account_page(form, 422)
    set_language(current_user._get_current_object(), form.language.data)
    record("account.language_changed")
    # Flashed after the change, so the message already speaks the chosen language.
    flash(_("Your language was saved."), "success")
    return redirect(url_for("account.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@password_reentry
def password():
    """Change the password; every other session of the user ends, this one starts afresh."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("That is not your current password."))
        elif (problem := policy_problem(form.password.data, current_user.email, current_user.name)) is not None:
            form.password.errors.append(problem)
        elif form.password.data == form.current.data:
            form.password.errors.append(_("Please choose a password different from your current one."))
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.password.data)
            user.session_version += 1
            record("account.password_changed", user=user)
            start_session(user)
            flash(_("Your password was changed. You were logged out everywhere else."), "success")
            return redirect(url_for("account.index"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200


@bp.get("/data.json")
@login_required
def data_json():
    """Download everything PartnerTrack holds about the user, as one JSON file."""
    body = json.dumps(build_export(current_user), ensure_ascii=False, indent=2)
    record("account.data_downloaded")
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="partnertrack-my-data-{current_user.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@password_reentry
def delete():
    """The confirmation step, then the deletion of the account and what its owner wrote."""
    blocker = deletion_blocker(current_user)
    form = DeleteAccountForm()
    if blocker is None and form.validate_on_submit():
        if check_password(current_user.password_hash, form.current.data):
            delete_account(current_user._get_current_object())
            logout_user()
            session.clear()
            flash(_("Your account and everything you wrote in PartnerTrack have been deleted."), "info")
            return redirect(url_for("auth.login"))
        form.current.errors.append(_("That is not your current password."))
    status = 422 if form.errors else 200
    return render_template("account/delete.html", form=form, blocker=blocker), status


@bp.get("/activity")
@login_required
def activity():
    """Who viewed, exported or changed the user's data, newest first."""
    chosen = request.args.get("partnership", type=int)
    partnerships = my_partnerships(current_user)
    rows = activity_for(current_user, chosen)
    return render_template(
        "account/activity.html",
        rows=rows,
        partnerships=partnerships,
        chosen=chosen if chosen in partnerships else None,
    )
