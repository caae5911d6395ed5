"""A chart as an HTTP answer: rendered once per distinct content, 304 when the viewer has it."""

from __future__ import annotations

from flask import Response, abort, request

from partnertrack.extensions import cache
from partnertrack.insights.chart_model import ChartData

FORMATS = ("svg", "png")


def image_response(data: ChartData, fmt: str) -> Response:
    """The chart as an image response, rendered at most once per distinct content.

    The ETag is a hash of what is drawn, so it changes exactly when the visible
    data changes; the rendered bytes are shared through the cache (Redis when
    configured) by every process.
    """
    from partnertrack.insights.charts import (
        FORMATS as MIMETYPES,  # matplotlib loads on the first chart
    )
    from partnertrack.insights.charts import etag, render

    if fmt not in FORMATS:
        abort(404)
    tag = etag(data, fmt)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if request.if_none_match.contains(tag.strip('"')):
        return Response(status=304, headers=headers)
    key = "chart:" + tag.strip('"')
    body = cache.get(key)
    if body is None:
        body = render(data, fmt)
        cache.set(key, body)
    return Response(body, mimetype=MIMETYPES[fmt], headers=headers)
