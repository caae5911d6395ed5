"""Download routes for a partnership's data."""

from __future__ import annotations

import re

from flask import Blueprint, Response
from flask_login import login_required

from ..access import partnership_for
from ..ratings.service import views_for
from . import csvfile

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
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(partnership.patient_name, partnership.id, "csv")}"',
            "Cache-Control": "no-store",
        },
    )
