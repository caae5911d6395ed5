"""Dashboard, partnership pages, invites and joining."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..access import partnership_for, therapist_required
from ..audit import record, record_view_once
from ..chart_data import caseload
from ..auth.accounts import create_user, start_session
from ..auth.forms import AccountForm, EmptyForm
from ..clock import today
from ..extensions import db, limiter
from ..factors import FACTORS
from ..insights import service as insights
from ..ratings.service import views_for
from . import dashboard as dashboard_data
from .forms import PartnershipForm
from .service import InviteProblem, find_invite, join, new_invite, open_partnership

bp = Blueprint("partnerships", __name__)


@bp.get("/")
@login_required
def dashboard():
    """The therapist's caseload, or the patient's partnerships with "rate your last session" first."""
    rows = dashboard_data.rows_for(current_user)
    if current_user.is_therapist:
        overview = caseload(insights.caseload_lines(rows)) if rows else None
        return render_template("partnerships/dashboard_therapist.html", rows=rows, overview=overview)
    charts = {row.partnership.id: insights.chart("alliance", row.partnership, row.role, row.views) for row in rows}
    return render_template("partnerships/dashboard_patient.html", rows=rows, charts=charts)


@bp.route("/partnerships/new", methods=["GET", "POST"])
@login_required
@therapist_required
def new():
    """Open a partnership and get the invite link for the patient."""
    form = PartnershipForm()
    if not form.is_submitted():
        form.started_on.data = today()
    if form.validate_on_submit():
        if form.started_on.data > today():
            form.started_on.errors.append("The start date cannot be in the future.")
        else:
            partnership, token = open_partnership(current_user, form.patient_name.data, form.started_on.data)
            db.session.commit()
            _remember_invite(partnership.id, token)
            flash("Partnership opened. Send the invite link below to your patient.", "success")
            return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/new.html", form=form), 422 if form.errors else 200


def _remember_invite(partnership_id: int, token: str) -> None:
    """Keep the raw link in the therapist's own session: the database holds only its hash."""
    links = dict(session.get("invite_links", {}))
    links[str(partnership_id)] = token
    session["invite_links"] = links


@bp.get("/partnerships/<int:partnership_id>/")
@login_required
def show(partnership_id: int):
    """Every session, both ratings side by side once revealed, and a trend table."""
    partnership, role = partnership_for(partnership_id)
    record_view_once(partnership.id)
    views = views_for(partnership, role)
    token = session.get("invite_links", {}).get(str(partnership.id)) if role == "therapist" else None
    invite_url = url_for("partnerships.join_page", token=token, _external=True) if token and partnership.patient_id is None else None
    signals = insights.signals_of(views)
    charts = [insights.chart(name, partnership, role, views) for name in insights.PARTNERSHIP_CHARTS]
    return render_template(
        "partnerships/show.html", partnership=partnership, role=role, views=views, factors=FACTORS,
        invite_url=invite_url, trend=dashboard_data.trend_table(views), form=EmptyForm(),
        charts=charts, sentences=insights.sentences(signals, role),
    )


@bp.post("/partnerships/<int:partnership_id>/invite")
@login_required
def reinvite(partnership_id: int):
    """A new invite link (the old ones stop working), while no patient has joined."""
    partnership, _ = partnership_for(partnership_id, role="therapist")
    if partnership.closed_by_patient:
        flash("The patient closed this partnership by deleting their account; it takes no new invite.", "error")
    elif partnership.patient_id is not None:
        flash("The patient has already joined this partnership.", "error")
    elif EmptyForm().validate_on_submit():
        _remember_invite(partnership.id, new_invite(partnership))
        db.session.commit()
        flash("A new invite link is ready. Earlier links no longer work.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id))


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=lambda: _join_account_key())
def join_page(token: str):
    """A patient joins through the invite: create an account, or join with the one they have."""
    try:
        invite = find_invite(token)
    except InviteProblem as problem:
        return render_template("partnerships/join_invalid.html", message=problem.message), problem.status
    if current_user.is_authenticated:
        return _join_logged_in(invite)
    form = AccountForm()
    form.submit.label.text = "Create account and join"
    if form.validate_on_submit():
        patient = create_user(form.name.data, form.email.data, form.password.data, role="patient")
        try:
            partnership = join(invite, patient)
        except InviteProblem as problem:
            db.session.rollback()
            return render_template("partnerships/join_invalid.html", message=problem.message), problem.status
        db.session.commit()
        start_session(patient)
        record("account.created", user=patient, commit=False)
        record("partnership.joined", partnership.id, user=patient)
        flash(f"Welcome. You are now partners with {partnership.therapist.name}.", "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/join.html", form=form, invite=invite, token=token), 422 if form.errors else 200


def _join_account_key() -> str:
    """Rate-limit key per account joining: the logged-in user, else the email being signed up."""
    if current_user.is_authenticated:
        return f"join-account:{current_user.id}"
    return "join-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _join_logged_in(invite):
    """Join as the patient already logged in; a therapist cannot be the patient."""
    if current_user.is_therapist:
        message = "You are logged in as a therapist. A therapist cannot join as the patient: log out, then open the link again."
        return render_template("partnerships/join_invalid.html", message=message, show_logout=True), 403
    form = EmptyForm()
    form.submit.label.text = "Join this partnership"
    if form.validate_on_submit():
        try:
            partnership = join(invite, current_user)
        except InviteProblem as problem:
            db.session.rollback()
            return render_template("partnerships/join_invalid.html", message=problem.message), problem.status
        db.session.commit()
        record("partnership.joined", partnership.id)
        flash(f"You are now partners with {partnership.therapist.name}.", "success")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    return render_template("partnerships/join_confirm.html", form=form, invite=invite)
