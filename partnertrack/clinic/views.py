"""The clinic's supervision pages: the clinic, one therapist, one's own figures, consented ratings.

Aggregates never name clients: partnerships appear under pseudonyms. A supervisor sees a
partnership's identified ratings (never comments) only where its patient allowed it on their
account page; every such view is in the audit log, which the patient reads.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from partnertrack.clinic import overview, service
from partnertrack.clinic.deidentify import pseudonym
from partnertrack.clinic.figures import figures_from
from partnertrack.clinic.forms import ConsentForm
from partnertrack.clinic.models import ADMIN, SUPERVISOR, THERAPIST, Clinic
from partnertrack.clinic.permissions import current_membership, members_only
from partnertrack.core import audit
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.ratings.factors import FACTORS
from partnertrack.ratings.records import load_records

bp = Blueprint("clinic", __name__, url_prefix="/clinic")
SUPERVISING = (ADMIN, SUPERVISOR)


@bp.app_context_processor
def clinic_menu() -> dict:
    """``clinic_membership()`` for the main menu's "Clinic" link (asked only when the menu is drawn)."""
    return {"clinic_membership": current_membership}


@bp.get("/")
@members_only(*SUPERVISING, THERAPIST)
def index():
    """Admins and supervisors: the clinic's figures and each therapist's; a therapist: their own."""
    if g.member.role == THERAPIST:
        return redirect(url_for("clinic.mine"))
    clinic = db.session.get(Clinic, g.member.clinic_id)
    figures, per_therapist = overview.clinic_figures(clinic.id, current_user.id)
    therapists = service.members_of(clinic.id, THERAPIST, active_only=True)
    return render_template(
        "clinic/index.html", clinic=clinic, figures=figures, therapists=therapists, per_therapist=per_therapist
    )


@bp.get("/me")
@members_only(THERAPIST)
def mine():
    """A therapist's own figures, attunement included: for their supervision, never a ranking."""
    clinic = db.session.get(Clinic, g.member.clinic_id)
    figures = overview.therapist_figures(clinic.id, current_user.id)
    return render_template("clinic/mine.html", clinic=clinic, figures=figures)


@bp.get("/therapists/<int:member_id>")
@members_only(*SUPERVISING)
def therapist(member_id: int):
    """One therapist's figures and their partnerships under pseudonyms (identified only with consent)."""
    member = service.member_in(g.member.clinic_id, member_id)
    if member is None or member.role != THERAPIST:
        abort(404)
    cases = overview.stored_cases(member.clinic_id, member.user_id)
    consented = service.consenting_partnerships([c.partnership_id for c in cases])
    key = service.secret_key()
    rows = [
        {
            "label": pseudonym(key, member.clinic_id, "P", c.partnership_id),
            "case": c,
            "attention": c.needs_attention,
            "identified": c.partnership_id in consented and g.member.role == SUPERVISOR,
        }
        for c in cases
        if c.is_open
    ]
    return render_template(
        "clinic/therapist.html",
        member=member,
        figures=figures_from([c.figure_input for c in cases]),
        rows=rows,
        role=g.member.role,
    )


@bp.get("/partnerships/<int:partnership_id>")
@members_only(SUPERVISOR)
def partnership(partnership_id: int):
    """A partnership's revealed ratings with the patient's name, where the patient allowed it; audited."""
    in_clinic = {row.id for row in overview.clinic_partnerships(g.member.clinic_id)}
    if partnership_id not in in_clinic or partnership_id not in service.consenting_partnerships([partnership_id]):
        abort(404)
    found = db.session.get(Partnership, partnership_id)
    ratings = overview.revealed_ratings(load_records([partnership_id])[partnership_id])
    audit.record("clinic.identified_view", partnership_id, "by a clinic supervisor")
    return render_template("clinic/partnership.html", partnership=found, ratings=ratings, factors=FACTORS)


@bp.post("/consent")
@login_required
def consent():
    """The patient's choice about their clinic's supervisors (account page)."""
    if current_user.role != Role.PATIENT:
        abort(403)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Your choice could not be saved: please try again."), "error")
        return redirect(url_for("account.index")), 303
    service.set_consent(current_user, bool(form.allowed.data))
    if form.allowed.data:
        flash(_("Your therapist's clinic supervisors may now see your ratings with your name. Comments stay private."))
    else:
        flash(_("Your therapist's clinic supervisors see only figures without names."), "success")
    return redirect(url_for("account.index"))
