"""Sign-up, login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from partnertrack.auth import signup, two_factor
from partnertrack.auth.forms import AccountForm, LoginForm, MailedSignupForm
from partnertrack.auth.login_throttle import login_budgets
from partnertrack.auth.second_step import begin as begin_second_step
from partnertrack.auth.service import complete_sign_in, create_user, safe_next, start_session
from partnertrack.core.audit import record
from partnertrack.core.forms import EmptyForm
from partnertrack.core.i18n import current_language
from partnertrack.core.passwords import burn_time, check_password
from partnertrack.core.roles import Role
from partnertrack.core.throttle import refuse_if_spent, spend
from partnertrack.extensions import db, limiter
from partnertrack.models import User

bp = Blueprint("auth", __name__)


def _signup_limit() -> str:
    """Sign-ups per client address (SIGNUP_RATE_LIMIT)."""
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _signup_email_limit() -> str:
    """Sign-ups per address being signed up (SIGNUP_EMAIL_RATE_LIMIT), from anywhere."""
    return current_app.config["SIGNUP_EMAIL_RATE_LIMIT"]


def _signup_email_key() -> str:
    """The address being signed up, normalised as the form stores it."""
    return "signup-email:" + (request.form.get("email") or "").strip().lower()[:254]


def _refused(response) -> bool:
    """Only refused sign-ups count: probing for taken addresses is slowed, people signing up are not."""
    return response.status_code >= 400


def _refused_or_mailed(response) -> bool:
    """Per address signed up, a mailed sign-up counts too: nobody's inbox can be flooded with links."""
    return _refused(response) or bool(g.get("signup_mailed"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(_signup_email_limit, methods=["POST"], key_func=_signup_email_key, deduct_when=_refused_or_mailed)
def register():
    """Therapist sign-up; patients join only through an invite link.

    Where mail is set up the account is finished by a mailed link (auth/signup.py), so the
    page answers a new and a taken address alike.
    """
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    mailed = signup.by_mail()
    form = MailedSignupForm() if mailed else AccountForm()
    form.submit.label.text = _("Create therapist account")
    if form.validate_on_submit() and mailed:
        signup.request_signup(form.name.data, form.email.data, form.password.data)
        g.signup_mailed = True
        return render_template("auth/reset_sent.html", answer=signup.answer())
    if form.validate_on_submit():
        user = create_user(
            form.name.data, form.email.data, form.password.data, role=Role.THERAPIST, language=current_language()
        )
        start_session(user)
        record("account.created", user=user)
        flash(_("Welcome to PartnerTrack. Start by opening a partnership for a patient."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/register/finish/<token>", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def finish_signup_page(token: str):
    """The mailed sign-up link: a button (a mail scanner opening the link creates nothing), then the account."""
    pending, message, status = signup.find_pending(token)
    if pending is None:
        return render_template("auth/signup_invalid.html", message=message), status
    form = EmptyForm()
    if form.validate_on_submit():
        user = signup.finish_signup(pending)
        if user is None:
            return render_template("auth/signup_invalid.html", message=signup.USED), 410
        start_session(user)
        record("account.created", user=user)
        flash(_("Welcome to PartnerTrack. Start by opening a partnership for a patient."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/signup_finish.html", form=form, pending=pending)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password; wrong credentials get one message for both parts.

    Failed attempts are counted by auth/login_throttle.py (per address, per account and
    address, per account from unknown devices), checked before the password is.
    """
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.email == form.email.data))
        budgets = login_budgets(form.email.data, user)
        refuse_if_spent(budgets)
        if user is None:
            burn_time(form.password.data)
        if user is None or not check_password(user.password_hash, form.password.data) or not user.active:
            spend(budgets)
            _record_failed_login(user)
            flash(_("That email and password do not match an active account."), "error")
            return render_template("auth/login.html", form=form), 200
        target = safe_next(request.args.get("next")) or url_for("dashboard.index")
        if two_factor.enabled_for(user):
            return begin_second_step(user, target)
        return complete_sign_in(user, target)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End this and every other session of the user."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    current_user.session_version += 1
    record("logout")
    logout_user()
    session.clear()  # nothing of the ended session stays in the (readable) cookie
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _record_failed_login(user: User | None) -> None:
    """Audit a failed login against the account tried; an unknown email is not stored.

    People type passwords into the email field: logging what was typed would
    put a password in the audit table.
    """
    if user is None:
        record("login.failed", detail="unknown email")
    else:
        record("login.failed", subject_id=user.id, detail="wrong password" if user.active else "account disabled")
