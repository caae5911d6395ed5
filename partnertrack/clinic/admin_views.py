"""The clinic admin's pages: members and invites, transfers, the de-identified export; joining by link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from partnertrack.clinic import export, overview, service, transfers
from partnertrack.clinic.forms import InviteForm, TransferForm
from partnertrack.clinic.models import ADMIN, THERAPIST, Clinic
from partnertrack.clinic.permissions import members_only
from partnertrack.core import audit
from partnertrack.core.errors import translated
from partnertrack.core.forms import EmptyForm
from partnertrack.core.refusals import Refused
from partnertrack.extensions import db
from partnertrack.models import Partnership

bp = Blueprint("clinic_admin", __name__, url_prefix="/clinic")


def _members_page(form: InviteForm | None = None, link: str | None = None, status: int = 200):
    """The members page: who is in the clinic, in which role, and the invite form."""
    clinic = db.session.get(Clinic, g.member.clinic_id)
    page = render_template(
        "clinic/members.html",
        clinic=clinic,
        members=service.members_of(clinic.id),
        form=form or InviteForm(formdata=None),
        link=link,
    )
    return page, status


@bp.get("/members")
@members_only(ADMIN)
def members():
    """Members, their roles and state; the invite form."""
    return _members_page()


@bp.post("/invites")
@members_only(ADMIN)
def invite():
    """Make a single-use invite link (mailed when an address is given) and show it."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(form, status=422)
    clinic = db.session.get(Clinic, g.member.clinic_id)
    _invite, token = service.make_invite(clinic, form.role.data, form.email.data, current_user)
    link = url_for("clinic_admin.join", token=token, _external=True)
    flash(
        _("Invite link made. It works once, for 14 days. It was mailed too.")
        if form.email.data
        else _("Invite link made. It works once, for 14 days.")
    )
    return _members_page(link=link)


@bp.post("/members/<int:member_id>/disable")
@members_only(ADMIN)
def disable(member_id: int):
    """Take a member out of the clinic (nothing is deleted)."""
    member = service.member_in(g.member.clinic_id, member_id)
    if member is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.disable_member(member, current_user)
    except Refused as refusal:
        raise Refused(refusal.message, redirect_to=url_for("clinic_admin.members")) from refusal
    flash(_("%(name)s is no longer a member. Their account and data are unchanged.", name=member.user.name), "success")
    return redirect(url_for("clinic_admin.members"))


def _transfer_choices(form: TransferForm) -> None:
    """The clinic's open partnerships (by holder and patient name) and its active therapists."""
    clinic_id = g.member.clinic_id
    therapists = service.members_of(clinic_id, THERAPIST, active_only=True)
    names = {m.user_id: m.user.name for m in therapists}
    rows = [r for r in overview.clinic_partnerships(clinic_id) if r.status != "ended"]
    labels = (
        dict(
            db.session.execute(
                db.select(Partnership.id, Partnership.patient_name).where(Partnership.id.in_([r.id for r in rows]))
            ).all()
        )
        if rows
        else {}
    )
    form.partnership.choices = [
        SelectChoice(
            str(r.id),
            _("%(partnership)s (with %(therapist)s)", partnership=labels[r.id], therapist=names[r.therapist_id]),
        )
        for r in rows
    ]
    form.therapist.choices = [SelectChoice(str(m.id), m.user.name) for m in therapists]


def _chosen_id(raw: str | None) -> int:
    """A posted id: ASCII digits of a sane length, else 404 (nothing of ours has that id)."""
    if not raw or not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        abort(404)
    return int(raw)


@bp.route("/transfers", methods=["GET", "POST"])
@members_only(ADMIN)
def transfer():
    """Move a partnership to another therapist of the clinic; the patient is told."""
    form = TransferForm()
    _transfer_choices(form)
    if form.validate_on_submit():
        pid, target = _chosen_id(form.partnership.data), _chosen_id(form.therapist.data)
        try:
            transfers.transfer(g.member.clinic_id, pid, target, current_user)
        except Refused as refusal:
            form.therapist.errors.append(translated(refusal.message))
            return render_template("clinic/transfers.html", form=form), refusal.status
        flash(_("The partnership was moved. Its history stays with it, and the patient has been told."), "success")
        return redirect(url_for("clinic_admin.transfer"))
    return render_template("clinic/transfers.html", form=form), 422 if form.errors else 200


@bp.get("/export.csv")
@members_only(ADMIN)
def export_csv():
    """The clinic's de-identified ratings and signals as CSV (pseudonyms, shifted dates, no names)."""
    clinic_id = g.member.clinic_id
    body = export.to_csv(overview.cases_of(clinic_id), service.secret_key(), clinic_id)
    audit.record("clinic.exported", detail=f"clinic {clinic_id}")
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="partnertrack-clinic-{clinic_id}-deidentified.csv"',
            "Cache-Control": "no-store",
        },
    )


# "You are now a supervisor of …", one sentence per role.
JOINED = {
    "admin": lambda clinic: _("You are now a admin of %(clinic)s.", clinic=clinic),
    "supervisor": lambda clinic: _("You are now a supervisor of %(clinic)s.", clinic=clinic),
    "therapist": lambda clinic: _("You are now a therapist of %(clinic)s.", clinic=clinic),
}


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str):
    """Join a clinic with an invite link: confirm, then become a member (the link works once)."""
    found = service.find_invite(token)
    form = EmptyForm()
    if form.validate_on_submit():
        service.accept_invite(found, current_user)
        flash(JOINED.get(found.role, JOINED["therapist"])(found.clinic.name), "success")
        return redirect(url_for("clinic.index"))
    problem = None
    if current_user.role != "therapist":
        problem = service.ONLY_THERAPISTS
    return render_template("clinic/join.html", invite=found, form=form, problem=problem)
