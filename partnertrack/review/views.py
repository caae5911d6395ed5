"""The ending review: open it, write notes, agree (or withdraw, or close it), and the PDF."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import audit
from ..access import partnership_for
from . import service
from .content import review_content
from .forms import NotesForm
from .machine import Refused

bp = Blueprint("review", __name__, url_prefix="/partnerships/<int:partnership_id>")
ROLES_URL = "<any(patient, therapist):party>"


def _page(partnership, role, notes_form=None, status: int = 200):
    """Render the review for ``role``; a notes form with errors is passed in to show them."""
    content = review_content(partnership, role)
    review = content.review
    if notes_form is None:
        notes_form = NotesForm(formdata=None)
        if review is not None:
            notes_form.progress.data, notes_form.left_undone.data = review.notes_of(role)
    return render_template(
        "review/show.html", partnership=partnership, role=role, content=content, review=review,
        notes_form=notes_form, state=service.state_of(partnership, review),
        chart_url=lambda name: url_for("insights.partnership_chart", partnership_id=partnership.id,
                                       name=name, fmt="svg"),
    ), status


def _refused(partnership, role, refusal: Refused):
    """Show why a step was refused, on the review page, with nothing changed."""
    flash(refusal.message, "error")
    return _page(partnership, role, status=409)


@bp.get("/review/")
@login_required
def show(partnership_id: int):
    """The review: first against latest sessions, goals, readiness, ruptures, and both parties' notes."""
    partnership, role = partnership_for(partnership_id)
    return _page(partnership, role)


@bp.post("/review/open")
@login_required
def open_review(partnership_id: int):
    """Open the ending review: the partnership becomes "ending"."""
    partnership, role = partnership_for(partnership_id)
    try:
        service.open_review(partnership, role, current_user)
    except Refused as refusal:
        return _refused(partnership, role, refusal)
    audit.record("review.opened", partnership.id)
    flash("The ending review is open. Write your notes, talk it through, and agree to end when you are both ready.",
          "success")
    return redirect(url_for("review.show", partnership_id=partnership.id))


@bp.post(f"/review/{ROLES_URL}/notes")
@login_required
def notes(partnership_id: int, party: str):
    """Save one's own "progress made" and "what was left undone" (each party only their own)."""
    partnership, role = partnership_for(partnership_id, role=party)
    if (refused := service.refuse_when_ended(partnership)) is not None:
        return refused
    form = NotesForm()
    if not form.validate():
        return _page(partnership, role, notes_form=form, status=422)
    try:
        service.save_notes(partnership, role, form.progress.data, form.left_undone.data)
    except Refused as refusal:
        return _refused(partnership, role, refusal)
    audit.record("review.changed", partnership.id, "notes saved")
    flash("Your notes are saved.", "success")
    return redirect(url_for("review.show", partnership_id=partnership.id) + "#my-notes")


@bp.post(f"/review/{ROLES_URL}/agree")
@login_required
def agree(partnership_id: int, party: str):
    """Agree to end; the partnership ends once both have agreed."""
    partnership, role = partnership_for(partnership_id, role=party)
    try:
        ended = service.agree(partnership, role)
    except Refused as refusal:
        return _refused(partnership, role, refusal)
    audit.record("review.agreed", partnership.id, "both agreed: partnership ended" if ended else None)
    flash("You have both agreed: the partnership has ended. Everything stays here to read and export." if ended
          else "You have agreed to end. The partnership ends when your partner agrees too; until then you can withdraw.",
          "success")
    return redirect(url_for("review.show", partnership_id=partnership.id))


@bp.post(f"/review/{ROLES_URL}/withdraw")
@login_required
def withdraw(partnership_id: int, party: str):
    """Withdraw one's agreement while the partnership has not yet ended."""
    partnership, role = partnership_for(partnership_id, role=party)
    try:
        service.withdraw(partnership, role)
    except Refused as refusal:
        return _refused(partnership, role, refusal)
    audit.record("review.changed", partnership.id, "agreement withdrawn")
    flash("You have withdrawn your agreement to end. The review stays open.", "success")
    return redirect(url_for("review.show", partnership_id=partnership.id))


@bp.post("/review/close")
@login_required
def close(partnership_id: int):
    """Close the review and go back to active (notes are kept for another time)."""
    partnership, role = partnership_for(partnership_id)
    try:
        service.close_review(partnership, role)
    except Refused as refusal:
        return _refused(partnership, role, refusal)
    audit.record("review.changed", partnership.id, "review closed: back to active")
    flash("The ending review is closed and the partnership is active again. Your notes are kept.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id))


@bp.get("/review.pdf")
@login_required
def pdf(partnership_id: int):
    """The review as a PDF with the charts and both parties' notes, as the viewer may see it."""
    from .pdf import build

    partnership, role = partnership_for(partnership_id)
    body = build(partnership, role, review_content(partnership, role))
    audit.record("export.pdf", partnership.id)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="partnertrack-{partnership.id}-ending-review.pdf"',
        "Cache-Control": "no-store",
    })
