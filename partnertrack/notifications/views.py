"""The form link's landing page, one-click unsubscribe, and the account's email choices."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from partnertrack.access import start_restricted_session
from partnertrack.core.audit import record
from partnertrack.extensions import csrf, limiter
from partnertrack.notifications import unsubscribe as unsubscribing
from partnertrack.notifications.forms import chosen_kinds, notifications_form
from partnertrack.notifications.links import LinkProblem, find_form_link
from partnertrack.notifications.settings import KINDS_BY_ROLE, save_settings, settings_for

bp = Blueprint("notifications", __name__)

SOMEONE_ELSE = (
    "This link was sent to another account than the one logged in here, so it does not open. "
    "Log out first, then open the link again."
)


def _link_limit() -> str:
    """The login rate limit also bounds guesses at form links."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/form/<token>")
@limiter.limit(_link_limit)
def form_link(token: str):
    """Open one session's form from a mailed link: a restricted session for that form only."""
    try:
        link = find_form_link(token)
    except LinkProblem as problem:
        return render_template("notifications/link_invalid.html", message=problem.message), problem.status
    therapy_session = link.therapy_session
    target = url_for(
        "ratings.rate", partnership_id=therapy_session.partnership_id, date=therapy_session.date.isoformat()
    )
    if current_user.is_authenticated:
        if current_user.id != link.user_id:
            return render_template("notifications/link_invalid.html", message=SOMEONE_ELSE, show_logout=True), 403
        return redirect(target)
    start_restricted_session(link.user, therapy_session.partnership_id, therapy_session.date, link.id, link.expires_at)
    record("form_link.opened", therapy_session.partnership_id, user=link.user)
    return redirect(target)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients post the one-click request (RFC 8058) without a form token; the link is signed
def unsubscribe(token: str):
    """GET asks first (link checkers follow links); POST, from the page or the mail client, unsubscribes."""
    data = unsubscribing.read(token)
    if data is None:
        message = "This unsubscribe link is not valid. You can choose which emails you get on your account page."
        return render_template("notifications/link_invalid.html", message=message), 404
    stops = unsubscribing.STOPS[data["k"]]
    if request.method == "POST":
        unsubscribing.apply(data)
        record("mail.unsubscribed", detail=data["k"])
        return render_template("notifications/unsubscribed.html", stops=stops)
    return render_template("notifications/unsubscribe.html", stops=stops, token=token)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """Which emails the account gets, and its time zone for quiet hours."""
    form = notifications_form(current_user.role)
    if not form.is_submitted():
        saved = settings_for(current_user.id)
        for kind in KINDS_BY_ROLE.get(current_user.role, ()):
            form[kind].data = getattr(saved, kind)
        form.time_zone.data = saved.time_zone or current_app.config["DEFAULT_TIME_ZONE"]
    if form.validate_on_submit():
        save_settings(current_user, chosen_kinds(form, current_user.role), form.time_zone.data)
        record("account.notifications_changed")
        flash(_("Your email choices were saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form), 422 if form.errors else 200
