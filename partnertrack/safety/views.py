"""The talk-soon request: the patient asks, the therapist answers. Both outside the blind rule."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from partnertrack.access import PartnershipBlueprint, role_required
from partnertrack.core import audit
from partnertrack.core.forms import EmptyForm
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.safety import service

bp = PartnershipBlueprint("safety", __name__, url_prefix="/talk-soon")


def _back() -> str:
    """The partnership page, where the request (or its answer) shows."""
    return url_for("partnership.show", partnership_id=g.partnership.id)


@bp.post("/")
@role_required(Role.PATIENT)
def request_talk():
    """The patient needs to talk to their therapist soon: stored and alerted at once."""
    if not EmptyForm().validate_on_submit():
        raise Refused(_("Please try again: the page had expired."), redirect_to=_back())
    if service.request_talk_soon(g.partnership):
        audit.record("talk_soon.requested", g.partnership.id)
    flash(
        _(
            "Your therapist has been told you need to talk soon. If you are in danger now, do not wait: "
            "use the crisis information at the top of the page."
        ),
        "success",
    )
    return redirect(_back())


@bp.post("/answered")
@role_required(Role.THERAPIST)
def answered():
    """The therapist has been in touch: the request leaves the top of the dashboard."""
    if not EmptyForm().validate_on_submit():
        raise Refused(_("Please try again: the page had expired."), redirect_to=_back())
    service.answer_talk_soon(g.partnership)
    audit.record("talk_soon.answered", g.partnership.id)
    flash(_("Marked as answered."), "success")
    return redirect(_back())
