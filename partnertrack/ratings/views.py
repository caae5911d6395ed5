"""The post-session form: it opens on the session that waits for the viewer, and saves onto it.

A date that matches a session rates that session. A date with no session close to one that
waits for the viewer asks "Did you mean the session of …?" before a second session is made,
so both ratings of one meeting land on one session (docs/clinical.md, "One session, two ratings").
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint, allowed_when_ended
from partnertrack.core.audit import record
from partnertrack.core.clock import today
from partnertrack.core.filters import short_date
from partnertrack.core.refusals import Refused
from partnertrack.goals.service import form_goals, progress_of
from partnertrack.models import SCHEDULED
from partnertrack.notifications.hooks import after_rating_saved, before_rating_saved
from partnertrack.ratings.factors import FACTORS, RUPTURE_CHOICES
from partnertrack.ratings.forms import RatingForm, rating_form_for
from partnertrack.ratings.records import timeline_for
from partnertrack.ratings.reveal import SessionView, is_revealed
from partnertrack.ratings.service import Answers, Outcome, RatingLocked, submit_rating
from partnertrack.ratings.waiting import session_to_rate, waiting_for, waiting_near
from partnertrack.ruptures.service import sync_signals
from partnertrack.sessions import service as sessions

bp = PartnershipBlueprint("ratings", __name__)

LOCKED = _l("Your rating of this session is locked: both ratings have been revealed, so it can no longer change.")
SAVED = {
    Outcome.CREATED: _l("Your rating was saved."),
    Outcome.CHANGED: _l("Your rating was updated."),
    Outcome.UNCHANGED: _l("Your rating was saved."),
}


@bp.app_template_filter("weekday_month")
def weekday_month(value: date) -> str:
    """A day of the coming or past weeks, in the viewer's language: Mon 01 Dec."""
    return format_date(value, "EEE dd MMM")


@bp.route("/rate", methods=["GET", "POST"])
@allowed_when_ended  # refuses an ended partnership itself, with words about ratings
def rate():
    """Rate a session: the one waiting for the viewer, or the one the link or the date names."""
    partnership, role = g.partnership, g.role
    if partnership.read_only:
        flash(
            _("This partnership has ended, so it takes no new ratings. Its history stays here to read and export."),
            "error",
        )
        return redirect(url_for("partnership.show"))
    timeline = timeline_for(partnership, role)
    form = rating_form_for(form_goals(partnership))
    if not form.is_submitted():
        shown = _show_requested(form, timeline)
        return _page(form, timeline, shown, prefilled=shown is not None and shown.own is not None)
    if not (form.validate() & form.check_date(partnership.started_on, today())):
        return _page(form, timeline, _view_on(timeline, form.session_date.data)), 422
    before_rating_saved(form.session_date.data)  # a form link opens one session's form only
    return _save(form, timeline)


def _page(
    form: RatingForm,
    timeline: list[SessionView],
    shown: SessionView | None,
    question: list[SessionView] | None = None,
    prefilled: bool = False,
) -> str:
    """The form page; ``shown`` is the session whose date the form holds (None for a new one).

    ``question`` lists the waiting sessions to ask about ("Did you mean …?"); ``prefilled``
    marks a form that shows the viewer's earlier answers (app.js warns when its date changes).
    """
    return render_template(
        "ratings/rate.html",
        form=form,
        partnership=g.partnership,
        role=g.role,
        factors=FACTORS,
        rupture_choices=RUPTURE_CHOICES,
        earliest=g.partnership.started_on,
        latest=today(),
        shown=shown,
        waiting=[v for v in waiting_for(timeline, g.role) if shown is None or v.date != shown.date],
        question=question or [],
        prefilled=prefilled,
    )


def _view_on(timeline: list[SessionView], day: date | None) -> SessionView | None:
    """The held session on ``day`` as the viewer sees it, if there is one."""
    return next((v for v in timeline if v.date == day), None)


def _show_requested(form: RatingForm, timeline: list[SessionView]) -> SessionView | None:
    """Put the session to rate into the form: the link's, the date's, else the one that waits.

    With nothing asked for, the form opens on the session that waits for the viewer (the
    oldest the partner has rated, else the latest held one not rated yet), else a new one
    today. The viewer's own earlier answers are shown when they come back to change them.
    """
    shown = _linked_session(timeline)
    day = shown.date if shown else _requested_date()
    if shown is None and day is None:
        shown = session_to_rate(timeline, g.role)
        day = shown.date if shown else today()
    shown = shown or _view_on(timeline, day)
    form.session_date.data = day
    if shown is not None and shown.own is not None:
        form.show_answers(dict(shown.own.scores), shown.own.comment, shown.own.raised_concern)
        for goal_id, value in progress_of(g.partnership, g.role, day).items():
            field = getattr(form, f"goal_{goal_id}", None)
            if field is not None:
                field.data = value
    return shown


def _linked_session(timeline: list[SessionView]) -> SessionView | None:
    """The session named by ?session=<id>: one of this partnership's held sessions, else 404.

    A session that was cancelled or marked missed since the link was made is said so, and
    the form opens as if nothing had been asked for.
    """
    raw = request.args.get("session")
    if raw is None:
        return None
    session_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    shown = next((v for v in timeline if session_id is not None and v.session_id == session_id), None)
    if shown is not None:
        return shown
    other = sessions.session_in(g.partnership, session_id)
    if other is None:
        abort(404)
    _not_rated(other)
    return None


def _not_rated(therapy_session) -> None:
    """Say why the form does not open on a cancelled, missed or coming session."""
    if therapy_session.status != SCHEDULED:
        day = short_date(therapy_session.date)
        if therapy_session.status == "cancelled":
            flash(_("The session of %(day)s is marked cancelled, so it is not rated.", day=day), "error")
        else:
            flash(_("The session of %(day)s is marked missed, so it is not rated.", day=day), "error")
    else:
        flash(_("The session of %(day)s has not taken place yet.", day=short_date(therapy_session.date)), "error")


def _requested_date() -> date | None:
    """The ?date= of a session the party chose, if it reads as a date and is not a session set aside."""
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return None
    existing = sessions.session_on(g.partnership, day)
    if existing is not None and (existing.status != SCHEDULED or existing.date > today()):
        _not_rated(existing)
        return None
    return day


def _save(form: RatingForm, timeline: list[SessionView]):
    """Resolve the session the answers belong to, then store them; the page again when not stored."""
    role, day = g.role, form.session_date.data
    try:
        therapy_session = _resolve(form, timeline)
        if therapy_session is None:  # a waiting session is close: ask first (a question, not an error)
            return _page(form, timeline, None, question=waiting_near(timeline, role, day))
        outcome = submit_rating(therapy_session, role, _answers(form), current_user)
    except Refused as refusal:
        form.session_date.errors.append(refusal.message)
        return _page(form, timeline, _view_on(timeline, form.session_date.data)), 422
    except RatingLocked:
        form.session_date.errors.append(str(LOCKED))
        return _page(form, timeline, _view_on(timeline, form.session_date.data)), 422
    _after(outcome, form, therapy_session.date, _revealed_now(timeline, therapy_session.date))
    return redirect(url_for("partnership.show"))


def _revealed_now(timeline: list[SessionView], day: date) -> bool:
    """True when the session just rated is revealed now that the viewer's rating is in."""
    seen = _view_on(timeline, day)
    raters = set(seen.rated_by if seen else ()) | {g.role}
    return is_revealed(day, raters, today(), current_app.config["REVEAL_AFTER_DAYS"])


def _resolve(form: RatingForm, timeline: list[SessionView]):
    """The session the form's answers belong to; None when a close waiting session must be asked about.

    "Yes, that session" sends the chosen session's id; "No, another session" sends the date
    again, which then makes the new session (added by the viewer).
    """
    partnership, role, day = g.partnership, g.role, form.session_date.data
    if form.use_session.data:
        chosen = next((v for v in waiting_for(timeline, role) if str(v.session_id) == form.use_session.data), None)
        if chosen is None:
            raise Refused(_("Please choose one of the sessions offered, or give the date of the session again."))
        form.session_date.data = chosen.date
        return sessions.session_in(partnership, chosen.session_id)
    existing = sessions.session_on(partnership, day)
    if existing is not None:
        sessions.refuse_unless_held(existing)
        return existing
    if waiting_near(timeline, role, day) and form.new_session.data != day.isoformat():
        return None
    return sessions.record_held(partnership, day, role)


def _answers(form: RatingForm) -> Answers:
    """The validated form as the rating service takes it."""
    return Answers(
        scores=form.scores(),
        comment=form.comment.data,
        goal_progress=form.goal_progress(),
        raised_concern=form.concern_raised(),
        concern_text=form.concern_text.data,
    )


def _after(outcome: Outcome, form: RatingForm, day: date, revealed: bool) -> None:
    """The audit trail, the rupture log and the message, once the rating is stored.

    The rupture log is synced only when the shared ratings changed (a changed rating of a
    revealed session): it reads every shared rating again, and a rating still hidden, or
    sent again unchanged, cannot add a signal. The log page syncs itself when shown.
    """
    partnership = g.partnership
    if outcome is not Outcome.UNCHANGED:
        action = "rating.submitted" if outcome is Outcome.CREATED else "rating.changed"
        record(action, partnership.id, f"session of {day.isoformat()}")
    if form.concern_raised():
        record("rupture.raised", partnership.id, f"concern about the session of {day.isoformat()}")
    if revealed and outcome is not Outcome.UNCHANGED:
        sync_signals(partnership)  # a newly revealed session may show a possible rupture
    # The form link to the patient after the therapist's rating, or the use of a form link.
    after_rating_saved(partnership, g.role, day, outcome is Outcome.CREATED)
    flash(str(SAVED[outcome]), "success")
