"""The ending review: open it, write notes, agree (or withdraw, or close it), and the PDF."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint, allowed_when_ended, require_role
from partnertrack.core import audit
from partnertrack.core.clock import today
from partnertrack.review import service
from partnertrack.review.content import review_content
from partnertrack.review.forms import NotesForm

bp = PartnershipBlueprint("review", __name__)
ROLES_URL = "<any(patient, therapist):party>"


@bp.refusal_page
def _page(notes_form=None):
    """The review for the viewer; a notes form with errors is passed in to show them."""
    content = review_content(g.partnership, g.role)
    review = content.review
    if notes_form is None:
        notes_form = NotesForm(formdata=None)
        if review is not None:
            notes_form.progress.data, notes_form.left_undone.data = review.notes_of(g.role)
    return render_template(
        "review/show.html",
        partnership=g.partnership,
        role=g.role,
        content=content,
        review=review,
        notes_form=notes_form,
        state=service.state_of(g.partnership, review),
        chart_url=lambda name: url_for("insights.partnership_chart", name=name, fmt="svg"),
    )


@bp.get("/review/")
def show():
    """The review: first against latest sessions, goals, readiness, ruptures, and both parties' notes."""
    return _page()


@bp.post("/review/open")
@allowed_when_ended  # the review's own rules say why an ended partnership cannot be reopened
def open_review():
    """Open the ending review: the partnership becomes "ending"."""
    service.open_review(g.partnership, g.role, current_user)
    audit.record("review.opened", g.partnership.id)
    flash(
        _("The ending review is open. Write your notes, talk it through, and agree to end when you are both ready."),
        "success",
    )
    return redirect(url_for("review.show"))


@bp.post(f"/review/{ROLES_URL}/notes")
def notes(party: str):
    """Save one's own "progress made" and "what was left undone" (each party only their own)."""
    require_role(party)
    form = NotesForm()
    if not form.validate():
        return _page(notes_form=form), 422
    service.save_notes(g.partnership, g.role, form.progress.data, form.left_undone.data)
    audit.record("review.changed", g.partnership.id, "notes saved")
    flash(_("Your notes are saved."), "success")
    return redirect(url_for("review.show") + "#my-notes")


@bp.post(f"/review/{ROLES_URL}/agree")
@allowed_when_ended
def agree(party: str):
    """Agree to end; the partnership ends once both have agreed."""
    require_role(party)
    ended = service.agree(g.partnership, g.role)
    audit.record("review.agreed", g.partnership.id, "both agreed: partnership ended" if ended else None)
    if ended:
        flash(
            _("You have both agreed: the partnership has ended. Everything stays here to read and export."), "success"
        )
    else:
        flash(
            _(
                "You have agreed to end. The partnership ends when your partner agrees too; "
                "until then you can withdraw."
            ),
            "success",
        )
    return redirect(url_for("review.show"))


@bp.post(f"/review/{ROLES_URL}/withdraw")
@allowed_when_ended
def withdraw(party: str):
    """Withdraw one's agreement while the partnership has not yet ended."""
    require_role(party)
    service.withdraw(g.partnership, g.role)
    audit.record("review.changed", g.partnership.id, "agreement withdrawn")
    flash(_("You have withdrawn your agreement to end. The review stays open."), "success")
    return redirect(url_for("review.show"))


@bp.post("/review/close")
@allowed_when_ended
def close():
    """Close the review and go back to active (notes are kept for another time)."""
    service.close_review(g.partnership, g.role)
    audit.record("review.changed", g.partnership.id, "review closed: back to active")
    flash(_("The ending review is closed and the partnership is active again. Your notes are kept."), "success")
    return redirect(url_for("partnership.show"))


@bp.get("/review.pdf")
def pdf():
    """The review as a PDF with the charts and both parties' notes, as the viewer may see it."""
    return _pdf_response("review", "ending-review")


@bp.get("/progress/")
@allowed_when_ended
def progress():
    """The progress report at any time, for either party: the review's figures without its steps."""
    return render_template(
        "review/progress.html",
        partnership=g.partnership,
        role=g.role,
        content=review_content(g.partnership, g.role),
        made_on=today(),
        chart_url=lambda name: url_for("insights.partnership_chart", name=name, fmt="svg"),
    )


@bp.get("/progress.pdf")
@allowed_when_ended
def progress_pdf():
    """The progress report as a PDF, made by the ending review's PDF code."""
    return _pdf_response("progress", "progress-report")


def _pdf_response(kind: str, filename: str) -> Response:
    """``kind`` ("review" or "progress") as a PDF download, as the viewer may see it; audited."""
    from partnertrack.review.pdf import build

    body = build(g.partnership, g.role, review_content(g.partnership, g.role), kind=kind)
    audit.record("export.pdf", g.partnership.id)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="partnertrack-{g.partnership.id}-{filename}.pdf"',
            "Cache-Control": "no-store",
        },
    )
