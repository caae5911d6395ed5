"""The home page after login: the therapist's caseload, or the patient's partnerships."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from partnertrack.access import therapist_required
from partnertrack.core.clock import today
from partnertrack.core.i18n import current_language
from partnertrack.dashboard import glance
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
        return _caseload_table(rows)
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


def _caseload_table(rows):
    """The therapist's caseload as a table, filtered, searched and sorted by the query string.

    Server-side, so every link and the search work without JavaScript; unknown values
    fall back to the defaults rather than failing.
    """
    show = glance.choose(request.args.get("show"), glance.FILTERS)
    sort = glance.choose(request.args.get("sort"), glance.SORTS)
    query = glance.search_text(request.args.get("q"))
    counts = {name: len(glance.select(rows, name, "", "attention")) for name in glance.FILTERS}
    return render_template(
        "dashboard/therapist.html",
        rows=glance.select(rows, show, query, sort),
        total=len(rows),
        counts=counts,
        show=show,
        sort=sort,
        query=query,
        filters=FILTER_NAMES,
        sorts=glance.SORTS,
        row_key=_row_keys(),
        head_key=("caseload-head", current_user.id, current_language(), show, sort, query, tuple(counts.items())),
    )


def _row_keys():
    """The key maker for this request's caseload rows (core/fragments.py): the viewer, their
    language and day (read once), and everything the row shows (the stored summary, the
    partnership's name, state and talk-soon request, the open concerns)."""
    viewer = ("caseload-row", current_user.id, current_language(), today())

    def key(row) -> tuple:
        """The key of one row."""
        p = row.partnership
        concerns = tuple((c.id, c.detail) for c in row.concerns)
        return (*viewer, p.id, p.patient_name, p.status, row.closed_by_patient, row.talk_soon, concerns, row.summary)

    return key


FILTER_NAMES = {"all": _l("All current"), "attention": _l("Needs attention"), "ended": _l("Ended")}
