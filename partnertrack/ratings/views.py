"""The post-session form."""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint, allowed_when_ended
from partnertrack.core.audit import record
from partnertrack.core.clock import today
from partnertrack.goals.service import form_goals, progress_of, save_progress
from partnertrack.notifications.hooks import after_rating_saved
from partnertrack.ratings.factors import FACTORS
from partnertrack.ratings.forms import RatingForm, rating_form_for
from partnertrack.ratings.records import timeline_for
from partnertrack.ratings.service import RatingLocked, save_rating
from partnertrack.ruptures.service import concern_from_rating, sync_signals

bp = PartnershipBlueprint("ratings", __name__)


def _prefill(form: RatingForm, view) -> None:
    """Show the party's own earlier answers when they come back to change them."""
    if view is None or view.own is None:
        return
    for key, value in view.own.scores.items():
        getattr(form, key).data = value
    form.rupture_repair_na.data = view.own.scores["rupture_repair"] is None
    form.comment.data = view.own.comment


@bp.route("/rate", methods=["GET", "POST"])
@allowed_when_ended  # refuses an ended partnership itself, with words about ratings
def rate():
    """Rate a session (new, or change one's own rating until it is revealed)."""
    partnership, role = g.partnership, g.role
    if partnership.read_only:
        flash(
            "This partnership has ended, so it takes no new ratings. Its history stays here to read and export.",
            "error",
        )
        return redirect(url_for("partnership.show"))
    timeline = timeline_for(partnership, role)
    form = rating_form_for(form_goals(partnership))
    prefilled_date = _prefill_for_get(form, timeline) if request.method == "GET" else None
    if form.is_submitted():
        if form.validate() & form.check_date(partnership.started_on, today()) and _save(form):
            return redirect(url_for("partnership.show"))
        status = 422
    else:
        status = 200
    return render_template(
        "ratings/rate.html",
        form=form,
        partnership=partnership,
        role=role,
        factors=FACTORS,
        earliest=partnership.started_on,
        latest=today(),
        timeline=timeline,
        prefilled_date=prefilled_date,
    ), status


def _prefill_for_get(form: RatingForm, timeline) -> date | None:
    """Show the requested (or today's) session with the party's own answers; the date if prefilled."""
    form.session_date.data = _requested_date() or today()
    shown = next((v for v in timeline if v.date == form.session_date.data), None)
    _prefill(form, shown)
    _prefill_progress(form, progress_of(g.partnership, g.role, form.session_date.data))
    return form.session_date.data if shown and shown.own else None


def _save(form: RatingForm) -> bool:
    """Store the validated rating with its goal progress and concern; False (with the form's error) when locked."""
    partnership, role = g.partnership, g.role
    try:
        created = save_rating(
            partnership,
            role,
            form.session_date.data,
            form.scores(),
            form.comment.data,
            after=_goal_progress_and_concern(form, role),
        )
    except RatingLocked:
        form.session_date.errors.append(
            "Your rating of this session is locked: both ratings have been revealed, so it can no longer change."
        )
        return False
    day = form.session_date.data.isoformat()
    record("rating.submitted" if created else "rating.changed", partnership.id, f"session of {day}")
    if form.concern_raised():
        record("rupture.raised", partnership.id, f"concern about the session of {day}")
    sync_signals(partnership)  # a newly revealed session may show a possible rupture
    after_rating_saved(partnership, role, form.session_date.data, created)  # the form link to the patient, or its use
    flash("Your rating was saved." if created else "Your rating was updated.", "success")
    return True


def _prefill_progress(form: RatingForm, progress: dict[int, int]) -> None:
    """Show the party's earlier goal-progress answers for that session."""
    for goal_id, field in form.goal_fields():
        field.data = progress.get(goal_id)


def _goal_progress_and_concern(form: RatingForm, role: str):
    """What the form adds beyond the rating, saved in the rating's own transaction."""

    def apply(therapy_session, rating) -> None:
        """Store goal progress and the raised concern with this rating."""
        save_progress(rating, form.goal_progress())
        if form.concern_raised():
            concern_from_rating(therapy_session, role, current_user, form.concern_text.data)

    return apply


def _requested_date() -> date | None:
    """The ?date= of a session the party chose from the partnership page, if valid."""
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return None
