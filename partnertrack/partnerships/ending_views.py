"""Ending a partnership without agreement: either party, with a reason both can see."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from partnertrack.access import PartnershipBlueprint
from partnertrack.core import audit
from partnertrack.partnerships import endings
from partnertrack.partnerships.service import end_without_agreement

bp = PartnershipBlueprint("ending", __name__, url_prefix="/end")


@bp.refusal_page
def _page():
    """The form: the reasons, and a word on the ending review that ends by agreement."""
    return render_template("partnerships/end.html", partnership=g.partnership, role=g.role, reasons=endings.END_REASONS)


@bp.get("/")
def form():
    """Choose a reason and confirm."""
    return _page()


@bp.post("/")
def end():
    """End the partnership with the chosen reason; both parties see it on the partnership page."""
    reason = request.form.get("reason")
    end_without_agreement(g.partnership, g.role, reason)
    audit.record("partnership.ended_without_review", g.partnership.id, detail=reason)
    flash("The partnership has ended. Its history stays readable and exportable.", "success")
    return redirect(url_for("partnership.show", partnership_id=g.partnership.id))
