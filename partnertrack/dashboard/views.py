"""The home page after login: the therapist's caseload, or the patient's partnerships."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from partnertrack.access import therapist_required
from partnertrack.dashboard.rows import caseload_lines, rows_for
from partnertrack.insights import service as insights
from partnertrack.insights.chart_data import caseload
from partnertrack.insights.images import FORMATS, ChartScope, image_response

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    """The therapist's caseload, or the patient's partnerships with "rate your last session" first."""
    rows = rows_for(current_user)
    if current_user.is_therapist:
        overview = caseload(caseload_lines(rows)) if rows else None
        return render_template("dashboard/therapist.html", rows=rows, overview=overview)
    charts = {row.partnership.id: insights.chart("alliance", row.partnership, row.role, row.timeline) for row in rows}
    return render_template("dashboard/patient.html", rows=rows, charts=charts)


@bp.get("/caseload.<fmt>")
@login_required
@therapist_required
def caseload_chart(fmt: str):
    """The therapist's caseload overview: one small line per patient."""
    if fmt not in FORMATS:
        abort(404)
    data = caseload(caseload_lines(rows_for(current_user)))
    return image_response(data, fmt, ChartScope(None, current_user.id))
