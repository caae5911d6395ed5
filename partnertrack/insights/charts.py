"""Render ChartData to SVG or PNG with matplotlib's object API (Figure only, no Flask).

This module sets up the figure and saves it; what is drawn is chart_lines.py (the line
charts), chart_heatmap.py (the gap map) and chart_caseload.py, on the shared axes and
legends of chart_axes.py.

matplotlib is imported on the first render, not on import: the CLI, the tests and
every page without a chart stay fast. The stateful plotting interface is never
used, so no global figure registry exists to leak; a Figure is dropped when ``render`` returns. Output is
deterministic (fixed SVG hash salt, no dates in metadata), so the same data
gives the same bytes and an ETag can be taken from the data alone.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from html import escape

from partnertrack.insights.chart_axes import WORDS, same
from partnertrack.insights.chart_caseload import draw_caseload
from partnertrack.insights.chart_heatmap import draw_gaps
from partnertrack.insights.chart_lines import draw_alliance, draw_factors, draw_goals, draw_readiness
from partnertrack.insights.chart_model import ChartData
from partnertrack.insights.chart_style import INK

RENDER_VERSION = "4"  # bump when drawing changes so cached images are not reused
FIGSIZE = (8.0, 4.5)  # inches: the wide rendering, for a desktop and for the PDF
PHONE_FIGSIZE = (4.0, 4.0)  # with text of at least PHONE_MIN_PT (chart_axes.py says why both)
SIZES = ("wide", "phone")
PNG_DPI = 150  # 1200 x 675 px: sharp on high-density phone screens
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def etag(data: ChartData, fmt: str, size: str = "wide") -> str:
    """A strong ETag for the image of ``data`` in ``fmt``, without rendering it.

    Only the drawn fields count (ChartData.drawn), the words drawn for the reader among
    them: the patient's alliance chart, titled and labelled in plain words, never has
    the tag of the therapist's.
    """
    digest = hashlib.sha256(repr((RENDER_VERSION, fmt, size, data.drawn())).encode()).hexdigest()
    return f'"{digest[:32]}"'


def render(data: ChartData, fmt: str = "svg", size: str = "wide", words: Callable[[str], str] | None = None) -> bytes:
    """The chart as SVG or PNG bytes, ``size`` "wide" or "phone"; ValueError for anything else.

    No title is drawn: the page's heading (and the PDF's line above the image) names the
    chart, and the SVG carries it as its <title>. Empty data draws its ``empty_message``
    centred instead of raising. The phone rendering is narrower with larger text, its
    legends below the plot, and is cropped to what was drawn so no legend is cut.
    """
    if fmt not in FORMATS or size not in SIZES:
        raise ValueError(f"unsupported chart format {fmt!r} or size {size!r}")
    token = WORDS.set(words or same)
    try:
        return _render(data, fmt, size)
    finally:
        WORDS.reset(token)


def _render(data: ChartData, fmt: str, size: str) -> bytes:
    """``render`` with the drawn words' language set (``words``: a translation of the fixed words)."""
    figure_class, canvas_class = _matplotlib()
    fig = figure_class(figsize=_figsize(data, size), facecolor="white")
    fig.phone = size == "phone"  # read by chart_axes.pt and the drawing steps
    canvas_class(fig)
    if data.empty:
        fig.text(0.5, 0.5, data.empty_message, ha="center", va="center", fontsize=16, color=INK, wrap=True)
    else:
        _DRAW[data.name](fig, data)
    buf = io.BytesIO()
    crop = {"bbox_inches": "tight", "pad_inches": 0.08} if fig.phone else {}
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None}, **crop)
        return _with_svg_title(buf.getvalue(), data.title)
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None}, **crop)
    return buf.getvalue()


def _matplotlib() -> tuple[type, type]:
    """Import matplotlib on first use and pin the settings that make output repeatable.

    These rcParams are process-wide; setting the same values on every call is
    idempotent and cheap. Text stays text in SVG (fonttype none): smaller files,
    faster rendering, and words a browser can find and zoom. Every text is drawn
    as typed, never read as a formula: matplotlib would take "$...$" in a goal or
    a patient's name for mathematical notation (and fail on a broken one), so
    parse_math is off for every text object, titles, legends and tick labels alike.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.hashsalt"] = "partnertrack"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
    return Figure, FigureCanvasAgg


def _with_svg_title(svg: bytes, title: str) -> bytes:
    """Put a <title> first inside <svg>, which screen readers announce as its name."""
    end = svg.index(b">", svg.index(b"<svg")) + 1
    return svg[:end] + f"\n <title>{escape(title)}</title>".encode() + svg[end:]


def _figsize(data: ChartData, size: str = "wide") -> tuple[float, float]:
    """Fixed size, except the caseload, which grows a band taller per patient, and the phone's factor grid."""
    if data.name == "caseload" and not data.empty:
        return FIGSIZE[0], max(FIGSIZE[1], 1.3 + 0.42 * len(data.series))
    if size == "phone":
        return (PHONE_FIGSIZE[0], 6.4) if data.name == "factors" else PHONE_FIGSIZE
    return FIGSIZE


_DRAW = {
    "factors": draw_factors,
    "alliance": draw_alliance,
    "gaps": draw_gaps,
    "readiness": draw_readiness,
    "goals": draw_goals,
    "caseload": draw_caseload,
}
