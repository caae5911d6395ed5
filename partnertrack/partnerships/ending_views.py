"""Ending a partnership without agreement: either party, with a reason both can see."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from partnertrack.access import PartnershipBlueprint
from partnertrack.core import audit
from partnertrack.core.refusals import Refused
from partnertrack.partnerships import endings
from partnertrack.partnerships.service import end_without_agreement

bp = PartnershipBlueprint("ending", __name__, url_prefix="/end")


@bp.refusal_page
def _page():
    """The form: the reasons, and a word on the ending review that ends by agreement."""
    return render_template("partnerships/end.html", partnership=g.partnership, role=g.role, reasons=endings.END_REASONS)


@bp.app_template_global("ending_words")
def ending_words(reason: str, ended_by: str, viewer_role: str) -> str:
    """The ending without agreement as ``viewer_role`` reads it, in the viewer's language."""
    sentence, words = endings.ending_message(reason, ended_by, viewer_role)
    return _(sentence, reason=_(words))


@bp.get("/")
def form():
    """Choose a reason and confirm."""
    return _page()


@bp.post("/")
def end():
    """End the partnership with the chosen reason; both parties see it on the partnership page."""
    reason = request.form.get("reason")
    if g.partnership.status == "ended":
        raise Refused(_(endings.ALREADY_ENDED))
    if reason not in endings.END_REASONS:
        raise Refused(_(endings.UNKNOWN_REASON))
    end_without_agreement(g.partnership, g.role, reason)
    audit.record("partnership.ended_without_review", g.partnership.id, detail=reason)
    flash(_("The partnership has ended. Its history stays readable and exportable."), "success")
    return redirect(url_for("partnership.show", partnership_id=g.partnership.id))
