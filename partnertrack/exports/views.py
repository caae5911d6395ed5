"""Download routes for a partnership's data."""

from __future__ import annotations

import json
import re

from flask import Response, g

from partnertrack.access import PartnershipBlueprint
from partnertrack.core.audit import record
from partnertrack.exports import csvfile, jsonfile
from partnertrack.ratings.records import timeline_for
from partnertrack.ruptures.service import sync_signals

bp = PartnershipBlueprint("exports", __name__)


def _download(body: str, mimetype: str, ext: str) -> Response:
    """``body`` as an attachment named after the partnership, e.g. partnertrack-3-alex.csv."""
    slug = re.sub(r"[^a-z0-9]+", "-", g.partnership.patient_name.lower()).strip("-")[:40] or "partnership"
    filename = f"partnertrack-{g.partnership.id}-{slug}.{ext}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/export.csv")
def export_csv():
    """The viewer's own ratings and the partner's revealed ones, as CSV."""
    body = csvfile.render(timeline_for(g.partnership, g.role))
    record("export.csv", g.partnership.id)
    return _download(body, "text/csv", "csv")


@bp.get("/export.json")
def export_json():
    """Everything the viewer may see of the partnership as JSON (schema: docs/export-schema.md)."""
    sync_signals(g.partnership)  # the log as the rupture-log page would show it now
    body = json.dumps(jsonfile.document(g.partnership, g.role), ensure_ascii=False, indent=2)
    record("export.json", g.partnership.id)
    return _download(body, "application/json", "json")
