"""The partnership's chart images, drawn from what the viewer may see."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint
from partnertrack.insights import service
from partnertrack.insights.images import FORMATS, ChartScope, chosen_size, versioned_image_response
from partnertrack.ratings.records import timeline_for
from partnertrack.summaries.service import data_version_tag, rules_fingerprint

bp = PartnershipBlueprint("insights", __name__, url_prefix="/charts")


@bp.get("/<name>.<fmt>")
def partnership_chart(name: str, fmt: str):
    """One of the partnership's charts, drawn from what the viewer may see."""
    if name not in service.PARTNERSHIP_CHARTS or fmt not in FORMATS:
        abort(404)
    partnership, role = g.partnership, g.role
    loaded: dict[str, list] = {}

    def timeline():
        """The viewer's timeline, read at most once, and only when the data version moved or on a miss."""
        if "timeline" not in loaded:
            loaded["timeline"] = timeline_for(partnership, role)
        return loaded["timeline"]

    return versioned_image_response(
        name,
        fmt,
        ChartScope(partnership.id, current_user.id),
        data_version_tag(partnership),
        # The rules too: a deployed change to how charts are drawn must not serve old images.
        lambda: service.visible_version(partnership, role, timeline()) + rules_fingerprint(),
        lambda: service.chart(name, partnership, role, timeline()),
        chosen_size(),
    )
