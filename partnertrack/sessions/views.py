"""The sessions page: the partnership's appointments, recording and planning them, and split pairs.

The therapist records a session or plans the coming ones, marks one cancelled or missed, and
merges a pair of one-sided sessions that were one meeting. The patient sees the same list and
may add a session the therapist has not recorded.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from partnertrack.access import PartnershipBlueprint, role_required
from partnertrack.core import audit
from partnertrack.core.clock import today
from partnertrack.core.errors import translated
from partnertrack.core.filters import day_month, short_date
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.notifications.service import send_form_link
from partnertrack.ratings.records import timeline_for
from partnertrack.ruptures.service import sync_signals
from partnertrack.sessions import service
from partnertrack.sessions.forms import AddForm, MergeForm, PlanForm, StatusForm

bp = PartnershipBlueprint("sessions", __name__, url_prefix="/sessions")

MARKED = {
    "cancelled": _l("The session of %(day)s is marked cancelled: it is not rated and not owed."),
    "missed": _l("The session of %(day)s is marked missed: it is not rated and not owed."),
    "scheduled": _l("The session of %(day)s is scheduled again."),
}


@bp.refusal_page
def _page(plan_form: PlanForm | None = None, add_form: AddForm | None = None) -> str:
    """The sessions page, with a form that has errors passed in to show them beside its fields."""
    partnership, role = g.partnership, g.role
    timeline = timeline_for(partnership, role)
    plan_form = plan_form or PlanForm(formdata=None)
    add_form = add_form or AddForm(formdata=None)
    if plan_form.first.data is None:
        plan_form.first.data = today()
    if add_form.day.data is None:
        add_form.day.data = today()
    return render_template(
        "sessions/index.html",
        partnership=partnership,
        role=role,
        rows=service.listing(partnership, timeline),
        pairs=service.open_split_pairs(g.partnership, timeline) if role == Role.THERAPIST else [],
        plan_form=plan_form,
        add_form=add_form,
        form=StatusForm(formdata=None),
        earliest=partnership.started_on,
        latest=today(),
    )


@bp.get("/")
def index():
    """Every session of the partnership: coming, held (numbered), cancelled and missed."""
    return _page()


@bp.post("/")
def add():
    """The therapist records a session or plans several; the patient adds one and goes on to rate it."""
    if g.role == Role.THERAPIST:
        return _plan()
    form = AddForm()
    if not form.validate():
        return _page(add_form=form), 422
    therapy_session = service.record_held(g.partnership, form.day.data, Role.PATIENT)
    audit.record("session.added", g.partnership.id, f"session of {therapy_session.date.isoformat()}")
    flash(_("The session of %(day)s is added. Rate it now.", day=short_date(therapy_session.date)), "success")
    return redirect(url_for("ratings.rate", session=therapy_session.id))


def _plan():
    """Record one session, or plan a weekly or fortnightly series (the therapist's form)."""
    form = PlanForm()
    if not form.validate():
        return _page(plan_form=form), 422
    done = service.plan(g.partnership, form.first.data, form.repeat.data or "", form.count.data)
    for therapy_session in done.added:
        action = "session.recorded" if therapy_session.date <= today() else "session.planned"
        audit.record(action, g.partnership.id, f"session of {therapy_session.date.isoformat()}")
    held = [s for s in done.added if s.date <= today()]
    if held:  # the patient is mailed the form of the latest session recorded as held, not of every one
        send_form_link(max(held, key=lambda s: s.date))
    flash(_planned_message(done), "success" if done.added else "error")
    return redirect(url_for("sessions.index"))


def _planned_message(done: service.Planned) -> str:
    """What a plan did, in words."""
    added = len(done.added)
    text = ngettext("%(num)d session added.", "%(num)d sessions added.", added) if added else _("No session added.")
    if done.already:
        days = ", ".join(day_month(d) for d in done.already)
        text += " " + _("Already in the list, left as they were: %(days)s.", days=days)
    return text


@bp.post("/<int:session_id>/status")
@role_required(Role.THERAPIST)
def mark(session_id: int):
    """Mark a session cancelled or missed (not rated, not owed), or scheduled again."""
    status = StatusForm().status.data or ""
    therapy_session = service.set_status(g.partnership, session_id, status)
    audit.record(f"session.{status}", g.partnership.id, f"session of {therapy_session.date.isoformat()}")
    sync_signals(g.partnership)
    flash(MARKED[status] % {"day": short_date(therapy_session.date)}, "success")
    return redirect(url_for("sessions.index"))


def _split_page(status: int = 200):
    """The split pairs page (also where a refused merge is explained)."""
    timeline = timeline_for(g.partnership, g.role)
    page = render_template(
        "sessions/split.html",
        partnership=g.partnership,
        role=g.role,
        pairs=service.open_split_pairs(g.partnership, timeline),
        form=MergeForm(formdata=None),
    )
    return page, status


@bp.get("/split")
@role_required(Role.THERAPIST)
def split():
    """Pairs of one-sided sessions a few days apart that may be one meeting, each to confirm or leave."""
    return _split_page()


@bp.post("/merge")
@role_required(Role.THERAPIST)
def merge():
    """Merge the confirmed pair: the ratings of one session move onto the other, unchanged."""
    form = MergeForm()
    keep, other = _as_id(form.keep.data), _as_id(form.other.data)
    try:
        if keep is None or other is None or not form.validate():
            raise Refused(_("Please choose two of this partnership’s sessions."))
        kept, removed_day = service.merge(g.partnership, keep, other)
    except Refused as refusal:
        flash(translated(refusal.message), "error")  # the 409 rolls back anything flushed
        return _split_page(409)
    audit.record(
        "session.merged",
        g.partnership.id,
        f"sessions of {removed_day.isoformat()} and {kept.date.isoformat()} merged into {kept.date.isoformat()}",
    )
    sync_signals(g.partnership)
    flash(
        _(
            "Merged: both ratings now belong to the session of %(kept)s, and the session of %(removed)s is gone. "
            "%(name)s sees the merge in the activity log.",
            kept=short_date(kept.date),
            removed=short_date(removed_day),
            name=g.partnership.patient_name,
        ),
        "success",
    )
    number = next((v.number for v in timeline_for(g.partnership, g.role) if v.session_id == kept.id), None)
    # ``session``: the page of earlier sessions that holds it (partnerships/paging.py).
    return redirect(url_for("partnership.show", session=number) + (f"#session-{number}" if number else ""))


@bp.post("/split/keep")
@role_required(Role.THERAPIST)
def keep_apart():
    """The therapist says a suggested pair were two meetings: it is not suggested again."""
    form = MergeForm()
    first, second = _as_id(form.keep.data), _as_id(form.other.data)
    try:
        if first is None or second is None or not form.validate():
            raise Refused(_("Please choose one of the pairs shown."))
        days = service.keep_apart(g.partnership, timeline_for(g.partnership, g.role), first, second)
    except Refused as refusal:
        flash(translated(refusal.message), "error")
        return _split_page(409)
    first_day, second_day = (short_date(day) for day in days)
    audit.record("session.kept_apart", g.partnership.id, f"sessions of {days[0].isoformat()} and {days[1].isoformat()}")
    flash(
        _(
            "Kept as two meetings: the sessions of %(first)s and %(second)s are no longer suggested for a merge.",
            first=first_day,
            second=second_day,
        ),
        "success",
    )
    return redirect(url_for("sessions.split"))


def _as_id(value: str | None) -> int | None:
    """A posted session id as a number, or None for anything else."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None
