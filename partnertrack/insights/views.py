"""Chart images: cached by content, answered with 304 when the viewer already has them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_login import current_user, login_required

from ..access import partnership_for, therapist_required
from ..extensions import cache
from ..partnerships.dashboard import rows_for
from ..ratings.service import views_for
from . import service

bp = Blueprint("insights", __name__)


def _image(data, fmt: str) -> Response:
    """The chart as an image response, rendered at most once per distinct content.

    The ETag is a hash of what is drawn, so it changes exactly when the visible
    data changes; the rendered bytes are shared through the cache (Redis when
    configured) by every process.
    """
    from ..charts import FORMATS, etag, render  # matplotlib only loads on the first chart

    tag = etag(data, fmt)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if request.if_none_match.contains(tag.strip('"')):
        return Response(status=304, headers=headers)
    key = "chart:" + tag.strip('"')
    body = cache.get(key)
    if body is None:
        body = render(data, fmt)
        cache.set(key, body)
    return Response(body, mimetype=FORMATS[fmt], headers=headers)


def _format(fmt: str) -> str:
    """Only SVG and PNG exist; anything else is 404."""
    if fmt not in ("svg", "png"):
        abort(404)
    return fmt


@bp.get("/partnerships/<int:partnership_id>/charts/<name>.<fmt>")
@login_required
def partnership_chart(partnership_id: int, name: str, fmt: str):
    """One of the partnership's charts, drawn from what the viewer may see."""
    partnership, role = partnership_for(partnership_id)
    if name not in service.PARTNERSHIP_CHARTS:
        abort(404)
    data = service.chart(name, partnership, role, views_for(partnership, role))
    return _image(data, _format(fmt))


@bp.get("/caseload.<fmt>")
@login_required
@therapist_required
def caseload_chart(fmt: str):
    """The therapist's caseload overview: one small line per patient."""
    from ..chart_data import caseload

    _format(fmt)
    return _image(caseload(service.caseload_lines(rows_for(current_user))), fmt)
