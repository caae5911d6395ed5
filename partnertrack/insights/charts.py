"""Render ChartData to SVG or PNG with matplotlib's object API (Figure only, no Flask).

matplotlib is imported on the first render, not on import: the CLI, the tests and
every page without a chart stay fast. The stateful plotting interface is never
used, so no global figure registry exists to leak; a Figure is dropped when ``render`` returns. Output is
deterministic (fixed SVG hash salt, no dates in metadata), so the same data
gives the same bytes and an ETag can be taken from the data alone.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections.abc import Callable
from contextvars import ContextVar
from html import escape
from typing import Any

from partnertrack.core.phrase import N_
from partnertrack.insights.chart_caseload import draw_caseload
from partnertrack.insights.chart_model import ChartData, Mark
from partnertrack.insights.chart_style import (
    GOAL_COLOURS,
    INK,
    LEGEND_WRAP,
    REPAIR_COLOUR,
    RUPTURE_COLOUR,
    plot_series,
)

RENDER_VERSION = "3"  # bump when drawing changes so cached images are not reused
FIGSIZE = (8.0, 4.5)  # inches: the wide rendering, for a desktop and for the PDF
# The phone rendering: 4 in (384 CSS px) is shown about 330 px wide on a 390 px screen, so
# 12 pt text lands at 12 x 96/72 x 330/384 = 13.7 CSS px (less where a legend widens the cropped
# image), above the 12 px a phone needs; tests/browser/test_glance.py measures it.
PHONE_FIGSIZE = (4.0, 4.0)
PHONE_MIN_PT = 12.0
SIZES = ("wide", "phone")
PNG_DPI = 150  # 1200 x 675 px: sharp on high-density phone screens
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
MAX_ANNOTATIONS = 6  # text labels are the slowest artists; label only the first few marks
MAX_CELL_NUMBERS = 24  # gap-map sessions up to which each cell shows its number
MAX_CELL_NUMBERS_PHONE = 8


def etag(data: ChartData, fmt: str, size: str = "wide") -> str:
    """A strong ETag for the image of ``data`` in ``fmt``, without rendering it.

    Only the drawn fields count, so the patient's and the therapist's view of
    the same revealed ratings share one cached image.
    """
    digest = hashlib.sha256(repr((RENDER_VERSION, fmt, size, data.drawn())).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _w(text: str) -> str:
    """A drawn word in the language ``render`` was given (English by default)."""
    return _WORDS.get()(text)


def render(data: ChartData, fmt: str = "svg", size: str = "wide", words: Callable[[str], str] | None = None) -> bytes:
    """The chart as SVG or PNG bytes, ``size`` "wide" or "phone"; ValueError for anything else.

    No title is drawn: the page's heading (and the PDF's line above the image) names the
    chart, and the SVG carries it as its <title>. Empty data draws its ``empty_message``
    centred instead of raising. The phone rendering is narrower with larger text, its
    legends below the plot, and is cropped to what was drawn so no legend is cut.
    """
    if fmt not in FORMATS or size not in SIZES:
        raise ValueError(f"unsupported chart format {fmt!r} or size {size!r}")
    token = _WORDS.set(words or _same)
    try:
        return _render(data, fmt, size)
    finally:
        _WORDS.reset(token)


def _same(text: str) -> str:
    return text


_WORDS: ContextVar[Callable[[str], str]] = ContextVar("chart_words", default=_same)


def _render(data: ChartData, fmt: str, size: str) -> bytes:
    """``render`` with the drawn words' language set (``words``: a translation of the fixed words)."""
    figure_class, canvas_class = _matplotlib()
    fig = figure_class(figsize=_figsize(data, size), facecolor="white")
    fig.phone = size == "phone"  # read by _pt and the drawing steps
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


def _pt(fig: Any, points: float) -> float:
    """A font size: as given on the wide figure, at least PHONE_MIN_PT on the phone one."""
    return max(points, PHONE_MIN_PT) if getattr(fig, "phone", False) else points


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


def _rating_axes(ax: Any, y_label: str = "", x_label: str = N_("Session"), nbins: int = 8) -> None:
    """0-10 y axis, whole-number session ticks, light grid: shared by all line charts.

    Ticks are the costliest artists matplotlib makes (four per tick), hence
    few of them, and ``nbins`` lower on small panels.
    """
    from matplotlib.ticker import FixedLocator, MaxNLocator

    ax.set_ylim(-0.5, 10.5)
    ax.yaxis.set_major_locator(FixedLocator([0, 5, 10] if nbins < 8 else [0, 2, 4, 6, 8, 10]))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=nbins, integer=True))
    low, high = ax.get_xlim()
    if high - low < 2:
        # One session: widen the axis, or the ticks would be fractional sessions (6.75, 7.0 ...).
        middle = round((low + high) / 2)
        ax.set_xlim(middle - 1, middle + 1)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_pt(ax.figure, 10))
    if x_label:
        ax.set_xlabel(_w(x_label), fontsize=_pt(ax.figure, 10))
    if y_label:
        ax.set_ylabel(_w(y_label), fontsize=_pt(ax.figure, 10))


def _draw_factors(fig: Any, data: ChartData) -> None:
    """Six panels (2 x 3; 3 x 2 on the phone) on one session range; one legend for the two parties at the top."""
    rows, cols = (3, 2) if fig.phone else (2, 3)
    top = 0.9 if fig.phone else 0.88
    axes = fig.subplots(
        rows,
        cols,
        gridspec_kw={
            "left": 0.12 if fig.phone else 0.07,
            "right": 0.98,
            "top": top,
            "bottom": 0.08,
            "hspace": 0.45,
            "wspace": 0.15,
        },
    )
    sessions = [x for s in data.series for x, _ in s.points]
    x_range = (min(sessions) - 0.5, max(sessions) + 0.5)
    for i, (ax, panel) in enumerate(zip(axes.flat, data.panels, strict=False)):  # the grid may have a spare cell
        for series in data.series:
            if series.panel == panel:
                plot_series(ax, series)
        _panel_axes(ax, x_range, bottom_row=i >= (rows - 1) * cols, left_column=i % cols == 0)
        # An explicit y skips matplotlib's automatic title placement, a third of the time.
        ax.set_title(panel, fontsize=_pt(fig, 10), y=1.0, pad=4)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if not handles:  # the first panel may be empty when only later ones have scores
        handles, labels = _first_legend(axes.flat)
    fig.legend(
        handles, labels, loc="upper center", ncols=2, frameon=False, bbox_to_anchor=(0.5, 1.0), fontsize=_pt(fig, 10)
    )


def _panel_axes(ax: Any, x_range: tuple[float, float], bottom_row: bool, left_column: bool) -> None:
    """A small-multiple panel: ticks only on the outer edges, reference lines at 0, 5, 10.

    Tick objects are matplotlib's costliest artists; inner panels would only hide
    their labels, so they get no ticks at all (not shared axes, which would share
    the locators too) and plain lines stand in for the horizontal grid.
    """
    from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

    ax.set_xlim(*x_range)
    ax.set_ylim(-0.5, 10.5)
    for level in (0, 5, 10):
        ax.axhline(level, color="#dddddd", linewidth=0.6, zorder=0)
    ax.yaxis.set_major_locator(FixedLocator([0, 5, 10]) if left_column else NullLocator())
    ax.xaxis.set_major_locator(
        MaxNLocator(nbins=4 if ax.figure.phone else 5, integer=True) if bottom_row else NullLocator()
    )
    ax.spines[["top", "right"]].set_visible(False)
    size = _pt(ax.figure, 10)
    ax.tick_params(labelsize=size)
    if bottom_row:
        ax.set_xlabel(_w(N_("Session")), fontsize=size)
    if left_column:
        ax.set_ylabel(_w(N_("0–10")), fontsize=size)


def _first_legend(axes: Any) -> tuple[list, list]:
    """Legend entries from the first panel that has any."""
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            return handles, labels
    return [], []


def _single_axes(fig: Any, right: float = 0.98) -> Any:
    """One axes with room for the legend above it (below it on the phone)."""
    if fig.phone:
        return fig.add_axes((0.15, 0.12, 0.82, 0.85))
    return fig.add_axes((0.08, 0.12, right - 0.08, 0.76))


def _draw_alliance(fig: Any, data: ChartData) -> None:
    """Both index lines, the gap between them shaded, ruptures and repairs marked."""
    ax = _single_axes(fig)
    for series in data.series:
        plot_series(ax, series)
    if data.band:
        xs, patient, therapist = zip(*data.band, strict=True)
        ax.fill_between(
            xs,
            patient,
            therapist,
            color="#999999",
            alpha=0.3,
            linewidth=0,
            label=_w(N_("Gap between the ratings")),
            zorder=1,
        )
    _draw_marks(ax, data.marks)
    if data.vline is not None:  # the session from which the reworded statements were rated
        ax.axvline(data.vline, color=INK, linestyle=(0, (2, 2)), linewidth=1.0, label=data.vline_label)
    _rating_axes(ax, data.y_label)
    _legend(ax, ncols=5)


def _legend(ax: Any, ncols: int) -> None:
    """The legend: one row above the plot, or one column below it on the phone.

    A wider legend would widen the cropped phone image and so shrink all its text; the
    crop at saving keeps the whole legend in the image however many rows it takes.
    """
    phone = ax.figure.phone
    ax.legend(
        loc="upper left" if phone else "lower left",
        bbox_to_anchor=(-0.15, -0.2) if phone else (0.0, 1.01),
        ncols=1 if phone else ncols,
        frameon=False,
        fontsize=_pt(ax.figure, 9),
        borderaxespad=0.2,
        columnspacing=1.0,
        handlelength=2.4,
    )


def _draw_marks(ax: Any, marks: tuple[Mark, ...]) -> None:
    """Down-triangles for possible ruptures, up-triangles for repairs: shape, not colour only."""
    for kind, marker, colour, label in (
        ("rupture", "v", RUPTURE_COLOUR, _w(N_("Possible rupture"))),
        ("repair", "^", REPAIR_COLOUR, _w(N_("Repaired"))),
    ):
        chosen = [m for m in marks if m.kind == kind]
        if not chosen:
            continue
        ax.scatter(
            [m.session_number for m in chosen],
            [m.value for m in chosen],
            s=[140 if m.strong else 80 for m in chosen],
            marker=marker,
            color=colour,
            edgecolors="black",
            linewidths=0.8,
            zorder=5,
            label=label,
        )
        _annotate_marks(ax, kind, chosen)


def _annotate_marks(ax: Any, kind: str, chosen: list[Mark]) -> None:
    """A word beside the first few marked sessions (once per session when both parties are marked)."""
    labelled: set[int] = set()
    for m in chosen:
        if m.session_number in labelled or len(labelled) >= MAX_ANNOTATIONS:
            continue
        labelled.add(m.session_number)
        text = ("strong rupture" if m.strong else "rupture") if kind == "rupture" else "repaired"
        low = min(x.value for x in chosen if x.session_number == m.session_number)
        high = max(x.value for x in chosen if x.session_number == m.session_number)
        ax.annotate(
            text,
            (m.session_number, low if kind == "rupture" else high),
            xytext=(0, -18 if kind == "rupture" else 10),
            textcoords="offset points",
            ha="center",
            fontsize=_pt(ax.figure, 8),
            color=INK,
        )


def _draw_gaps(fig: Any, data: ChartData) -> None:
    """Factor x session heat map on a diverging scale centred on 0, with a colour bar."""
    import numpy as np

    assert data.matrix is not None
    matrix = data.matrix
    values = np.ma.masked_invalid(
        np.array([[np.nan if v is None else v for v in row] for row in matrix.values], dtype=float)
    )
    phone = fig.phone
    ax = fig.add_axes((0.28, 0.22, 0.47, 0.74) if phone else (0.17, 0.2, 0.69, 0.72))
    cax = fig.add_axes((0.78, 0.22, 0.04, 0.74) if phone else (0.88, 0.2, 0.025, 0.72))
    # Mid grey for "not both rated": PuOr's own centre (no gap) is near white.
    cmap = _colormap("PuOr").with_extremes(bad="#b0b0b0")
    image = ax.imshow(values, cmap=cmap, vmin=-10, vmax=10, aspect="auto", interpolation="nearest")
    colorbar = fig.colorbar(image, cax=cax, ticks=[-10, -5, 0, 5, 10])
    colorbar.set_label(_w(N_("Therapist − patient")), fontsize=_pt(fig, 9))
    colorbar.ax.tick_params(labelsize=_pt(fig, 9))
    note = (
        _w(N_("Grey: not rated by both,\nor “nothing felt off”"))
        if phone
        else _w(N_("Grey: not rated by both, or “nothing felt off”"))
    )
    fig.text(0.02, 0.01, note, fontsize=_pt(fig, 8), color=INK)
    # Wrapped so the longest name, "Termination readiness", fits a phone-width margin.
    ax.set_yticks(range(len(matrix.row_labels)), [r.replace(" ", "\n") for r in matrix.row_labels])
    step = max(1, -(-len(matrix.col_labels) // (6 if phone else 16)))
    ticks = range(0, len(matrix.col_labels), step)
    ax.set_xticks(list(ticks), [str(matrix.col_labels[i]) for i in ticks])
    ax.tick_params(labelsize=_pt(fig, 10))
    ax.set_xlabel(_w(N_("Session")), fontsize=_pt(fig, 10))
    # On the phone a cell is too narrow for a number in readable type; the table has them.
    if len(matrix.col_labels) <= (MAX_CELL_NUMBERS_PHONE if phone else MAX_CELL_NUMBERS):
        _number_cells(ax, matrix.values)


def _colormap(name: str) -> Any:
    """A registered colormap by name, from matplotlib's colormap registry."""
    import matplotlib

    return matplotlib.colormaps[name]


def _number_cells(ax: Any, values: tuple[tuple[int | None, ...], ...]) -> None:
    """Write each gap in its cell, white on the dark ends of the scale for contrast."""
    for row, line in enumerate(values):
        for col, value in enumerate(line):
            if value is not None:
                ax.text(
                    col,
                    row,
                    f"{value:+d}".replace("-", "−") if value else "0",
                    ha="center",
                    va="center",
                    fontsize=_pt(ax.figure, 8),
                    color="white" if abs(value) >= 6 else "black",
                )


def _draw_readiness(fig: Any, data: ChartData) -> None:
    """Both readiness lines and the dashed ready line."""
    ax = _single_axes(fig)
    for series in data.series:
        plot_series(ax, series)
    if data.hline is not None:
        ax.axhline(data.hline, color=INK, linestyle=(0, (6, 3)), linewidth=1.2, label=data.hline_label)
    _rating_axes(ax, N_("Readiness (0–10)"))
    _legend(ax, ncols=3)


def _draw_goals(fig: Any, data: ChartData) -> None:
    """A colour per goal, the party's line style and marker per rater; the legend wraps, never cuts."""
    ax = _single_axes(fig, right=0.62)
    width = 30 if fig.phone else LEGEND_WRAP
    for series in data.series:
        label = textwrap.fill(series.label, width=width)
        plot_series(ax, series, color=GOAL_COLOURS[series.group % len(GOAL_COLOURS)], label=label)
    _rating_axes(ax, data.y_label)
    if fig.phone:
        ax.legend(loc="upper left", bbox_to_anchor=(-0.15, -0.2), frameon=False, fontsize=_pt(fig, 8))
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=8)


_DRAW = {
    "factors": _draw_factors,
    "alliance": _draw_alliance,
    "gaps": _draw_gaps,
    "readiness": _draw_readiness,
    "goals": _draw_goals,
    "caseload": draw_caseload,
}
