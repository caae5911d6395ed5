"""The post-session form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..access import partnership_for
from ..clock import today
from ..factors import FACTORS
from .forms import RatingForm
from .service import RatingLocked, save_rating, views_for

bp = Blueprint("ratings", __name__, url_prefix="/partnerships")


def _prefill(form: RatingForm, view) -> None:
    """Show the party's own earlier answers when they come back to change them."""
    if view is None or view.own is None:
        return
    for key, value in view.own.scores.items():
        getattr(form, key).data = value
    form.rupture_repair_na.data = view.own.scores["rupture_repair"] is None
    form.comment.data = view.own.comment


@bp.route("/<int:partnership_id>/rate", methods=["GET", "POST"])
@login_required
def rate(partnership_id: int):
    """Rate a session (new, or change one's own rating until it is revealed)."""
    partnership, role = partnership_for(partnership_id)
    views = views_for(partnership, role)
    if partnership.read_only:
        flash("This partnership has ended, so it takes no new ratings. Its history stays here to read and export.", "error")
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    form = RatingForm()
    if request.method == "GET":
        form.session_date.data = _requested_date() or today()
        _prefill(form, next((v for v in views if v.date == form.session_date.data), None))
    status = 200
    if form.is_submitted():
        if form.validate() & form.check_date(partnership.started_on, today()):
            try:
                created = save_rating(partnership, role, form.session_date.data, form.scores(), form.comment.data)
            except RatingLocked:
                form.session_date.errors.append(
                    "Your rating of this session is locked: both ratings have been revealed, so it can no longer change."
                )
            else:
                flash("Your rating was saved." if created else "Your rating was updated.", "success")
                return redirect(url_for("partnerships.show", partnership_id=partnership.id))
        status = 422
    return render_template(
        "ratings/rate.html", form=form, partnership=partnership, role=role, factors=FACTORS,
        earliest=partnership.started_on, latest=today(), views=views,
    ), status


def _requested_date():
    """The ?date= of a session the party chose from the partnership page, if valid."""
    from datetime import date

    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return None
