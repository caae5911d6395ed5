"""A chart as an HTTP answer: cached per partnership, viewer and data version; 304 when the viewer has it.

Why not one cache entry per distinct content, shared by everyone who draws the same
thing: the time of the answer would tell a visitor whether anyone else's chart already
holds that content. A therapist who copies what they can see into a partnership of their
own, rates the session still hidden from them there with each guess 0-10 and times the
chart, sees the right guess come back from the real patient's cached image (15 ms against
170 ms): the blind rule broken by a stopwatch. So every entry belongs to one partnership
(or one therapist's caseload) and one viewer, and only that viewer's own requests can
find it; the data version (a hash of what is drawn) decides whether it is still current.
docs/architecture.md ("Caches") holds the rule for any new cache.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from flask import Response, abort, current_app, request

from partnertrack.core.i18n import LANGUAGES, current_language, tr
from partnertrack.extensions import cache
from partnertrack.insights.chart_model import ChartData
from partnertrack.insights.service import PARTNERSHIP_CHARTS

FORMATS = ("svg", "png")
SIZES = ("wide", "phone")  # insights/charts.py draws both; a page asks for "phone" below 40rem
CHART_NAMES = (*PARTNERSHIP_CHARTS, "caseload")


@dataclass(frozen=True)
class ChartScope:
    """Whose chart this is: one partnership (None for a therapist's caseload) as one user sees it."""

    partnership_id: int | None
    viewer_id: int

    def key(self, name: str, fmt: str, size: str = "wide", language: str | None = None) -> str:
        """The cache key of chart ``name`` in ``fmt``, ``size`` and ``language`` (None: the viewer's now).

        One entry each, holding its latest version. The language is part of the key (and so of
        the ETag, which is keyed with it): a chart's drawn words are in the viewer's language,
        so a Spanish page never gets the English image, nor the other way round.
        """
        where = "caseload" if self.partnership_id is None else f"p{self.partnership_id}"
        lang = language or current_language()
        return f"chart:{where}:u{self.viewer_id}:{lang}:{name}.{fmt}" + ("" if size == "wide" else f".{size}")


def chosen_size() -> str:
    """The size the page asked for (``?size=phone``); anything else is the wide one."""
    return "phone" if request.args.get("size") == "phone" else "wide"


def image_response(data: ChartData, fmt: str, scope: ChartScope, size: str = "wide") -> Response:
    """The chart as an image response, rendered once per version of what ``scope``'s viewer sees.

    The ETag is keyed with the app's secret and the scope, so equal images in two
    partnerships never carry equal tags either.
    """
    from partnertrack.insights.charts import etag

    if fmt not in FORMATS:
        abort(404)
    key = scope.key(data.name, fmt, size)
    return _answer(key, etag(data, fmt, size).strip('"'), lambda: data, fmt, size)


def versioned_image_response(
    name: str,
    fmt: str,
    scope: ChartScope,
    data_tag: str,
    content: Callable[[], str],
    build: Callable[[], ChartData],
    size: str = "wide",
) -> Response:
    """Chart ``name`` for ``scope``, checked against the partnership's data version first.

    ``data_tag`` changes with every change to the partnership (summaries/service.py):
    while it stands, the content version stored for this scope is used and no rating is
    read; a cached image or a 304 follows. When it moves, ``content()`` (a hash of what
    this viewer may see) is computed again, so the ETag moves only when the viewer's
    chart does: a partner's hidden rating changes the data version, never the tag.
    ``build`` draws the chart data on a cache miss. Entries stay per partnership and
    viewer (the module docstring).
    """
    if fmt not in FORMATS:
        abort(404)
    key = scope.key(name, fmt, size)
    return _answer(key, _content_version(scope.key("content", "version"), data_tag, content), build, fmt, size)


def _answer(key: str, version: str, build: Callable[[], ChartData], fmt: str, size: str) -> Response:
    """The image under cache ``key`` at ``version``: 304 when the viewer has it, else cached or drawn now."""
    from partnertrack.insights.charts import FORMATS as MIMETYPES  # matplotlib loads on the first chart
    from partnertrack.insights.charts import render

    tag = _scoped_tag(key, version)
    headers = {"ETag": f'"{tag}"', "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if request.if_none_match.contains(tag):
        return Response(status=304, headers=headers)
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        body = stored[1]
    else:
        body = render(in_language(build()), fmt, size, words=tr)
        cache.set(key, (version, body))
    return Response(body, mimetype=MIMETYPES[fmt], headers=headers)


def in_language(data: ChartData) -> ChartData:
    """``data`` with its drawn words (title, legends, panels, axis labels) in the viewer's language.

    Only words of the code are translated: the caseload's lines are clients' names, left as
    typed; a goal's line is a phrase whose goal title is a value, never looked up.
    """
    people = data.name == "caseload"  # its lines and panels are the clients' names
    series = data.series if people else tuple(replace(s, label=tr(s.label), panel=tr(s.panel)) for s in data.series)
    panels = data.panels if people else tuple(tr(p) for p in data.panels)
    matrix = data.matrix and replace(data.matrix, row_labels=tuple(tr(label) for label in data.matrix.row_labels))
    return replace(
        data,
        title=tr(data.title),
        empty_message=tr(data.empty_message),
        series=series,
        panels=panels,
        matrix=matrix,
        hline_label=tr(data.hline_label),
        y_label=tr(data.y_label),
        vline_label=tr(data.vline_label),
    )


def _content_version(key: str, data_tag: str, content: Callable[[], str]) -> str:
    """The viewer's content version while ``data_tag`` stands; computed again when it moves."""
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == data_tag:
        return stored[1]
    version = content()
    cache.set(key, (data_tag, version))
    return version


def _scoped_tag(key: str, version: str) -> str:
    """An ETag nobody can compute from the content alone: HMAC of scope and version."""
    secret = current_app.secret_key
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, f"{key}|{version}".encode(), hashlib.sha256).hexdigest()[:32]


def purge(partnership_ids: Iterable[int | None], viewer_ids: Iterable[int]) -> None:
    """Delete every cached chart of these partnerships (None: the caseload) as these users saw them.

    Erasing an account calls this, so no image of the person's ratings outlives them in
    the cache (Redis is shared by every process; the in-memory cache is this process's).
    """
    viewers = list(viewer_ids)
    partnerships = list(partnership_ids)
    keys = [
        ChartScope(partnership_id, viewer).key(name, fmt, size, language)
        for partnership_id in partnerships
        for viewer in viewers
        for name in CHART_NAMES
        for fmt in FORMATS
        for size in SIZES
        for language in LANGUAGES
    ] + [
        ChartScope(p, viewer).key("content", "version", language=language)
        for p in partnerships
        for viewer in viewers
        for language in LANGUAGES
    ]
    if keys:
        cache.delete_many(*keys)
