"""The rupture log: entries from the signals and raised concerns, notes, and their status."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import audit
from ..access import partnership_for
from ..extensions import db
from ..review.machine import Refused
from ..review.service import refuse_when_ended
from . import service, transitions
from .forms import ConcernForm, NoteForm, StatusForm

bp = Blueprint("ruptures", __name__, url_prefix="/partnerships/<int:partnership_id>/ruptures")


@bp.get("/")
@login_required
def index(partnership_id: int):
    """The shared log, newest session first, after adding entries for any new signals."""
    partnership, role = partnership_for(partnership_id)
    service.sync_signals(partnership)
    return render_template("ruptures/index.html", partnership=partnership, role=role,
                           entries=service.entry_views(partnership))


def _session_choices(form: ConcernForm, partnership) -> None:
    """Offer the partnership's sessions, newest first (the value is the session id)."""
    sessions = service.sessions_of(partnership.id)
    numbered = [SelectChoice(str(sid), f"Session {n} · {day:%d %b %Y}")
                for n, (sid, day) in enumerate(sessions, start=1)]
    form.session.choices = [SelectChoice("", "No particular session")] + numbered[::-1]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(partnership_id: int):
    """Raise a concern by hand: "something felt off"."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    form = ConcernForm()
    _session_choices(form, partnership)
    if form.validate_on_submit():
        raw = form.session.data or ""
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        well_formed = raw.isascii() and raw.isdigit() and len(raw) < 10
        try:
            if raw and not well_formed:
                raise Refused("Please choose one of this partnership’s sessions.")
            session_id = int(raw) if raw else None
            entry = service.raise_concern(partnership, role, current_user, form.text.data, session_id)
        except Refused as refusal:
            db.session.rollback()
            form.session.errors.append(refusal.message)
        else:
            db.session.commit()
            audit.record("rupture.raised", partnership.id, f"entry {entry.id}")
            flash("Your concern is in the rupture log. Your partner can see it now.", "success")
            return redirect(url_for("ruptures.show", partnership_id=partnership.id, entry_id=entry.id))
    elif not form.is_submitted() and form.session.choices[1:]:
        form.session.data = form.session.choices[1].value  # the latest session, the likeliest one
    return render_template("ruptures/new.html", partnership=partnership, role=role, form=form), (
        422 if form.errors else 200
    )


def _entry_page(partnership, role, entry, note_form=None, status_form=None, status: int = 200):
    """Render one entry with its notes and the forms to add a note or change its status."""
    view = service.entry_views(partnership, [entry])[0]
    return render_template(
        "ruptures/show.html", partnership=partnership, role=role, view=view, entry=entry,
        note_form=note_form or NoteForm(formdata=None), status_form=status_form or StatusForm(formdata=None),
        next_steps=transitions.next_steps(entry.status),
    ), status


def _entry_or_404(partnership, entry_id: int):
    """The entry if it is in this partnership's log, else 404."""
    entry = service.entry_in(partnership, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.get("/<int:entry_id>")
@login_required
def show(partnership_id: int, entry_id: int):
    """One entry: what happened, the sessions involved, notes from both, its status."""
    partnership, role = partnership_for(partnership_id)
    return _entry_page(partnership, role, _entry_or_404(partnership, entry_id))


@bp.post("/<int:entry_id>/notes")
@login_required
def add_note(partnership_id: int, entry_id: int):
    """Add a note to an entry."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    entry = _entry_or_404(partnership, entry_id)
    form = NoteForm()
    if not form.validate():
        return _entry_page(partnership, role, entry, note_form=form, status=422)
    service.add_note(entry, role, current_user, form.note.data)
    db.session.commit()
    audit.record("rupture.changed", partnership.id, f"entry {entry.id} note added")
    flash("Note added.", "success")
    return redirect(url_for("ruptures.show", partnership_id=partnership.id, entry_id=entry.id))


@bp.post("/<int:entry_id>/status")
@login_required
def change_status(partnership_id: int, entry_id: int):
    """Move an entry open -> discussed -> repaired, or back one step."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    entry = _entry_or_404(partnership, entry_id)
    form = StatusForm()
    if not form.validate():
        return _entry_page(partnership, role, entry, status_form=form, status=422)
    try:
        service.change_status(entry, role, current_user, form.status.data or "", form.status_note.data)
    except Refused as refusal:
        db.session.rollback()
        form.status.errors = [refusal.message]
        return _entry_page(partnership, role, entry, status_form=form, status=409)
    db.session.commit()
    audit.record("rupture.changed", partnership.id, f"entry {entry.id} marked {entry.status}")
    flash(f"Marked {entry.status}.", "success")
    return redirect(url_for("ruptures.show", partnership_id=partnership.id, entry_id=entry.id))
