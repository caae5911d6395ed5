"""The rupture log: entries from the signals and raised concerns, notes, and their status."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from partnertrack.access import PartnershipBlueprint
from partnertrack.core import audit
from partnertrack.core.errors import translated
from partnertrack.core.filters import short_date
from partnertrack.core.idempotency import first_submission
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.ruptures import agreement, asks, service, transitions
from partnertrack.ruptures.forms import AnswerForm, ConcernForm, NoteForm, StatusForm

bp = PartnershipBlueprint("ruptures", __name__, url_prefix="/ruptures")


@bp.get("/")
def index():
    """The shared log, newest session first, after adding entries for any new signals."""
    service.sync_signals(g.partnership)
    return render_template(
        "ruptures/index.html", partnership=g.partnership, role=g.role, entries=service.entry_views(g.partnership)
    )


@bp.app_template_global("rupture_waiting_words")
def rupture_waiting_words(to_confirm: tuple[str, ...], proposed: bool, role: str) -> list[str]:
    """What an entry still waits for, untranslated (ruptures/agreement.py); the template translates."""
    return agreement.waiting_words(to_confirm, proposed, role)


@bp.app_template_global("rupture_prompts")
def rupture_prompts(partnership, role: str) -> list[asks.Prompt]:
    """What the log asks ``role`` now: the log and the partnership page show it (ruptures/_prompts.html)."""
    return asks.prompts_for(partnership, role)


def _session_choices(form: ConcernForm) -> None:
    """Offer the partnership's sessions, newest first (the value is the session id)."""
    sessions = service.sessions_of(g.partnership.id)
    numbered = [
        SelectChoice(str(sid), _("Session %(number)s · %(date)s", number=n, date=short_date(day)))
        for n, (sid, day) in enumerate(sessions, start=1)
    ]
    form.session.choices = [SelectChoice("", _l("No particular session"))] + numbered[::-1]


def _chosen_session(form: ConcernForm) -> int | None:
    """The session id chosen on the form; Refused for anything that is not one of ours."""
    raw = form.session.data or ""
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise Refused(_("Please choose one of this partnership’s sessions."))
    return int(raw) if raw else None


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Raise a concern by hand: "something felt off"."""
    form = ConcernForm()
    _session_choices(form)
    if form.validate_on_submit() and not first_submission(form.submission.data):
        flash(_("Your concern is in the rupture log."), "success")  # sent twice: the first request raised it
        return redirect(url_for("ruptures.index"))
    if form.validate_on_submit():
        try:
            entry = service.raise_concern(g.partnership, g.role, current_user, form.text.data, _chosen_session(form))
        except Refused as refusal:
            form.session.errors.append(translated(refusal.message))
        else:
            audit.record("rupture.raised", g.partnership.id, f"entry {entry.id}")
            flash(_raised_words(g.role, g.partnership), "success")
            return redirect(url_for("ruptures.show", entry_id=entry.id))
    elif not form.is_submitted() and form.session.choices[1:]:
        form.session.data = form.session.choices[1].value  # the latest session, the likeliest one
    status = 422 if form.errors else 200
    return render_template("ruptures/new.html", partnership=g.partnership, role=g.role, form=form), status


def _entry_or_404(entry_id: int):
    """The entry if it is in this partnership's log, else 404."""
    entry = service.entry_in(g.partnership, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.refusal_page
def _entry_page(entry=None, note_form=None, status_form=None):
    """One entry with its notes and the forms to add a note or change its status."""
    entry = entry or _entry_or_404(request.view_args["entry_id"])
    view = service.entry_views(g.partnership, [entry])[0]
    return render_template(
        "ruptures/show.html",
        partnership=g.partnership,
        role=g.role,
        view=view,
        entry=entry,
        note_form=note_form or NoteForm(formdata=None),
        status_form=status_form or StatusForm(formdata=None),
        next_steps=_offered_steps(entry),
        facts=service.facts_of(entry),
        prompt=agreement.prompt_for(service.facts_of(entry), g.role, g.partnership.read_only),
    )


def _offered_steps(entry) -> list[str]:
    """The steps the status form offers the viewer: the therapist proposes the patient's repair instead."""
    steps = transitions.next_steps(entry.status)
    if g.role != "patient" and agreement.needs_patient(service.facts_of(entry)):
        steps = [s for s in steps if s != "repaired"]
    return steps


@bp.get("/<int:entry_id>")
def show(entry_id: int):
    """One entry: what happened, the sessions involved, notes from both, its status."""
    return _entry_page(_entry_or_404(entry_id))


@bp.post("/<int:entry_id>/notes")
def add_note(entry_id: int):
    """Add a note to an entry."""
    entry = _entry_or_404(entry_id)
    form = NoteForm()
    if not form.validate():
        return _entry_page(entry, note_form=form), 422
    service.add_note(entry, g.role, current_user, form.note.data)
    audit.record("rupture.changed", g.partnership.id, f"entry {entry.id} note added")
    flash(_("Note added."), "success")
    return redirect(url_for("ruptures.show", entry_id=entry.id))


@bp.post("/<int:entry_id>/status")
def change_status(entry_id: int):
    """Move an entry open -> discussed -> repaired, or back one step."""
    entry = _entry_or_404(entry_id)
    form = StatusForm()
    if not form.validate():
        return _entry_page(entry, status_form=form), 422
    service.change_status(entry, g.role, current_user, form.status.data or "", form.status_note.data)
    audit.record("rupture.changed", g.partnership.id, f"entry {entry.id} marked {entry.status}")
    flash(
        {"discussed": _("Marked discussed."), "repaired": _("Marked repaired."), "open": _("Marked open.")}.get(
            entry.status, entry.status
        ),
        "success",
    )
    return redirect(url_for("ruptures.show", entry_id=entry.id))


def _answer() -> str:
    """The answer a button of the log's questions carries ("" when none)."""
    return AnswerForm().answer.data or ""


@bp.post("/<int:entry_id>/talked")
def talked(entry_id: int):
    """Answer "did you two talk it through?": yes, or not yet (two yeses make the entry repaired)."""
    entry, answer = _entry_or_404(entry_id), _answer()
    new = asks.answer_talk(entry, g.role, current_user, answer)
    audit.record("rupture.changed", g.partnership.id, f"entry {entry.id} talked through: {answer}")
    if new is not None:
        flash(_("You have both said you talked it through, so it is marked repaired."), "success")
    elif answer == "yes" and g.role == "patient":  # the therapist is never "your partner" to the patient
        flash(_("You said you talked it through. It is marked repaired when your therapist says so too."), "success")
    elif answer == "yes":
        flash(
            _(
                "You said you talked it through. It is marked repaired when %(name)s says so too.",
                name=g.partnership.patient_name,
            ),
            "success",
        )
    else:
        flash(_("Noted: not yet. You can say so here once you have talked it through."), "success")
    return redirect(url_for("ruptures.show", entry_id=entry.id))


def _raised_words(role: str, partnership) -> str:
    """The flash after raising a concern, naming who sees it now (the patient reads "your therapist")."""
    if role == Role.PATIENT:
        return _("Your concern is in the rupture log. Your therapist can see it now.")
    return _("Your concern is in the rupture log. %(name)s can see it now.", name=partnership.patient_name)


@bp.post("/<int:entry_id>/propose")
def propose(entry_id: int):
    """The therapist proposes the patient's concern as repaired; the patient accepts or declines."""
    entry = _entry_or_404(entry_id)
    asks.propose(entry, g.role, current_user)
    audit.record("rupture.changed", g.partnership.id, f"entry {entry.id} proposed repaired")
    flash(_("Proposed as repaired. It is marked repaired when your client agrees."), "success")
    return redirect(url_for("ruptures.show", entry_id=entry.id))


@bp.post("/<int:entry_id>/proposal")
def answer_proposal(entry_id: int):
    """The patient accepts the proposal (the concern becomes repaired) or declines it."""
    entry, answer = _entry_or_404(entry_id), _answer()
    new = asks.reply(entry, g.role, current_user, answer)
    audit.record("rupture.changed", g.partnership.id, f"entry {entry.id} proposal {'accepted' if new else 'declined'}")
    flash(_("Marked repaired.") if new else _("Noted: it stays open to talk about."), "success")
    return redirect(url_for("ruptures.show", entry_id=entry.id))
