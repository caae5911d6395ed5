"""The partnership's chart images, drawn from what the viewer may see."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint
from partnertrack.insights import service
from partnertrack.insights.images import FORMATS, ChartScope, chosen_size, image_response
from partnertrack.ratings.records import timeline_for

bp = PartnershipBlueprint("insights", __name__, url_prefix="/charts")


@bp.get("/<name>.<fmt>")
def partnership_chart(name: str, fmt: str):
    """One of the partnership's charts, drawn from what the viewer may see."""
    if name not in service.PARTNERSHIP_CHARTS or fmt not in FORMATS:
        abort(404)
    data = service.chart(name, g.partnership, g.role, timeline_for(g.partnership, g.role))
    return image_response(data, fmt, ChartScope(g.partnership.id, current_user.id), chosen_size())
