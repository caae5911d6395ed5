"""Opening a partnership, its page, invites and joining."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from partnertrack.access import (
    PartnershipBlueprint,
    allowed_when_ended,
    role_required,
    therapist_required,
)
from partnertrack.auth.forms import AccountForm
from partnertrack.auth.service import create_user, start_session
from partnertrack.core.audit import record, record_view_once
from partnertrack.core.clock import today
from partnertrack.core.forms import EmptyForm
from partnertrack.core.i18n import current_language
from partnertrack.core.memo import Memo
from partnertrack.core.roles import Role
from partnertrack.extensions import limiter
from partnertrack.insights import service as insights
from partnertrack.notifications.service import send_invite_token
from partnertrack.partnerships.forms import PartnershipForm, ReinviteForm
from partnertrack.partnerships.overview import trend_table
from partnertrack.partnerships.paging import earlier_page
from partnertrack.partnerships.service import (
    InviteProblem,
    current_invite_token,
    find_invite,
    join,
    new_invite,
    open_partnership,
)
from partnertrack.ratings.factors import FACTORS
from partnertrack.ratings.records import timeline_and_source
from partnertrack.ratings.waiting import waiting_for
from partnertrack.sessions.pairs import split_pairs
from partnertrack.sessions.service import open_split_pairs
from partnertrack.summaries.service import summary_of

bp = Blueprint("partnerships", __name__)
member_bp = PartnershipBlueprint("partnership", __name__)


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
            form.started_on.errors.append(_("The start date cannot be in the future."))
        else:
            partnership, token = open_partnership(current_user, form.patient_name.data, form.started_on.data)
            if form.patient_email.data:
                send_invite_token(token, form.patient_email.data)
                flash(
                    _("Partnership opened. The invite is being mailed to %(email)s.", email=form.patient_email.data),
                    "success",
                )
            else:
                flash(_("Partnership opened. Send the invite link below to your patient."), "success")
            return redirect(url_for("partnership.show", partnership_id=partnership.id))
    return render_template("partnerships/new.html", form=form), 422 if form.errors else 200


# The page shows one chart at a time (a tab each, plain links: no script needed); "all" for print.
CHART_TABS = {
    "alliance": _l("Alliance"),
    "factors": _l("Six factors"),
    "gaps": _l("Gaps"),
    "readiness": _l("Readiness to end"),
    "goals": _l("Goals"),
    "all": _l("All charts"),
}


@member_bp.get("/")
def show():
    """What matters now first, then one chart, the earlier sessions one line each, and a trend table."""
    partnership, role = g.partnership, g.role
    record_view_once(partnership.id)
    timeline, source = timeline_and_source(partnership, role, current_user.id)
    # The link is derived again on the server: no cookie ever holds it (core/tokens.derived_token).
    token = current_invite_token(partnership) if role == Role.THERAPIST and partnership.patient_id is None else None
    invite_url = url_for("partnerships.join_page", token=token, _external=True) if token else None
    summary = summary_of(partnership, role, timeline)  # the header's signals, computed once per data version
    chosen = request.args.get("chart")
    chosen = chosen if chosen in CHART_TABS else next(iter(CHART_TABS))
    names = insights.PARTNERSHIP_CHARTS if chosen == "all" else (chosen,)
    charts = insights.partnership_charts(partnership, role, timeline, names, source)
    earlier = earlier_page(timeline, request.args.get("page"), request.args.get("session"))
    return render_template(
        "partnerships/show.html",
        partnership=partnership,
        role=role,
        timeline=timeline,
        earlier=earlier,
        factors=FACTORS,
        invite_url=invite_url,
        trend=_TRENDS.get_or(source, lambda: trend_table(timeline, role)),
        trend_key=source,
        form=EmptyForm(),
        charts=charts,
        chart_tabs=CHART_TABS,
        chosen_chart=chosen,
        has_ratings=any(v.visible for v in timeline),
        sentences=summary.sentences,
        waiting=waiting_for(timeline, role),
        split_count=_split_count(partnership, role, timeline, source),
        page_key=_page_key(partnership, role),
    )


# The trend table, and whether any sessions look like a split pair, by the timeline's source
# (records.timeline_and_source): the same rows read the same day make the same answers.
_TRENDS = Memo(256)
_MAYBE_SPLIT = Memo(256)


def _split_count(partnership, role: str, timeline, source) -> int:
    """How many split pairs the therapist still has to decide (the dismissed ones are read only when any)."""
    if role != Role.THERAPIST or not _MAYBE_SPLIT.get_or(source, lambda: bool(split_pairs(timeline))):
        return 0
    return len(open_split_pairs(partnership, timeline))


def _page_key(partnership, role: str) -> tuple:
    """What every kept piece of this page starts its key with (core/fragments.py): the viewer,
    their role, language and day, and the partnership's names and state the pieces show.
    Each piece adds everything else it shows (its session, chart data or trend rows)."""
    return (
        "partnership",
        current_user.id,
        role,
        current_language(),
        today(),
        partnership.id,
        partnership.patient_name,
        partnership.therapist.name,
        partnership.status,
        partnership.read_only,
    )


@member_bp.post("/invite")
@allowed_when_ended
@role_required(Role.THERAPIST)
def reinvite():
    """A new invite link (the old ones stop working), while no patient has joined."""
    partnership = g.partnership
    if partnership.closed_by_patient:
        flash(_("The patient closed this partnership by deleting their account; it takes no new invite."), "error")
    elif partnership.patient_id is not None:
        flash(_("The patient has already joined this partnership."), "error")
    elif (form := ReinviteForm()).validate_on_submit():
        token = new_invite(partnership)
        if form.patient_email.data:
            send_invite_token(token, form.patient_email.data)
            flash(
                f"A new invite link is ready and is being mailed to {form.patient_email.data}. "
                "Earlier links no longer work.",
                "success",
            )
        else:
            flash(_("A new invite link is ready. Earlier links no longer work."), "success")
    elif form.patient_email.errors:
        flash(_("%(problem)s No new invite was made.", problem=form.patient_email.errors[0]), "error")
    return redirect(url_for("partnership.show"))


def _join_limit() -> str:
    """The configured limit for joining attempts (the login limit)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _join_account_key() -> str:
    """Rate-limit key per account joining: the logged-in user, else the email being signed up."""
    if current_user.is_authenticated:
        return f"join-account:{current_user.id}"
    return "join-account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
@limiter.limit(_join_limit, methods=["POST"], key_func=_join_account_key)
def join_page(token: str):
    """A patient joins through the invite: create an account, or join with the one they have."""
    try:
        invite = find_invite(token)
    except InviteProblem as problem:
        return _invalid(problem)
    if current_user.is_authenticated:
        return _join_logged_in(invite)
    form = AccountForm()
    form.submit.label.text = _("Create account and join")
    if form.validate_on_submit():
        patient = create_user(
            form.name.data, form.email.data, form.password.data, role=Role.PATIENT, language=current_language()
        )
        try:
            partnership = join(invite, patient)
        except InviteProblem as problem:
            return _invalid(problem)
        start_session(patient)
        record("account.created", user=patient)
        record("partnership.joined", partnership.id, user=patient)
        flash(_("Welcome. You are now partners with %(name)s.", name=partnership.therapist.name), "success")
        return redirect(url_for("partnership.show", partnership_id=partnership.id))
    return render_template("partnerships/join.html", form=form, invite=invite, token=token), 422 if form.errors else 200


def _invalid(problem: InviteProblem):
    """The page that says why an invite link cannot be used (nothing is stored: the status rolls back)."""
    return render_template("partnerships/join_invalid.html", message=problem.message), problem.status


def _join_logged_in(invite):
    """Join as the patient already logged in; a therapist cannot be the patient."""
    if current_user.is_therapist:
        message = (
            "You are logged in as a therapist. A therapist cannot join as the patient: "
            "log out, then open the link again."
        )
        return render_template("partnerships/join_invalid.html", message=message, show_logout=True), 403
    form = EmptyForm()
    form.submit.label.text = _("Join this partnership")
    if form.validate_on_submit():
        try:
            partnership = join(invite, current_user)
        except InviteProblem as problem:
            return _invalid(problem)
        record("partnership.joined", partnership.id)
        flash(_("You are now partners with %(name)s.", name=partnership.therapist.name), "success")
        return redirect(url_for("partnership.show", partnership_id=partnership.id))
    return render_template("partnerships/join_confirm.html", form=form, invite=invite)
