"""Download routes for a partnership's data."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response
from flask_login import login_required

from ..access import partnership_for
from ..audit import record
from ..ratings.service import views_for
from . import csvfile, jsonfile

bp = Blueprint("exports", __name__, url_prefix="/partnerships")


def _filename(name: str, partnership_id: int, ext: str) -> str:
    """A safe download name such as partnertrack-3-alex.csv."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "partnership"
    return f"partnertrack-{partnership_id}-{slug}.{ext}"


@bp.get("/<int:partnership_id>/export.csv")
@login_required
def export_csv(partnership_id: int):
    """The viewer's own ratings and the partner's revealed ones, as CSV."""
    partnership, role = partnership_for(partnership_id)
    body = csvfile.render(views_for(partnership, role))
    record("export.csv", partnership.id)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(partnership.patient_name, partnership.id, "csv")}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<int:partnership_id>/export.json")
@login_required
def export_json(partnership_id: int):
    """Everything the viewer may see of the partnership as JSON (schema: docs/export-schema.md)."""
    from ..ruptures.service import sync_signals

    partnership, role = partnership_for(partnership_id)
    sync_signals(partnership)  # the log as the rupture-log page would show it now
    body = json.dumps(jsonfile.document(partnership, role), ensure_ascii=False, indent=2)
    record("export.json", partnership.id)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(partnership.patient_name, partnership.id, "json")}"',
            "Cache-Control": "no-store",
        },
    )
