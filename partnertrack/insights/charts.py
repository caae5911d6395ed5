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
from html import escape
from typing import Any

from partnertrack.insights.chart_model import ChartData, Mark
from partnertrack.insights.chart_style import (
    GOAL_COLOURS,
    INK,
    LEGEND_CHARS,
    REPAIR_COLOUR,
    RUPTURE_COLOUR,
    plot_series,
)

RENDER_VERSION = "2"  # bump when drawing changes so cached images are not reused
FIGSIZE = (8.0, 4.5)  # inches: wide enough for desktop, still legible scaled to a phone
PNG_DPI = 150  # 1200 x 675 px: sharp on high-density phone screens
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
MAX_ANNOTATIONS = 6  # text labels are the slowest artists; label only the first few marks
MAX_CELL_NUMBERS = 24  # gap-map sessions up to which each cell shows its number


def etag(data: ChartData, fmt: str) -> str:
    """A strong ETag for the image of ``data`` in ``fmt``, without rendering it.

    Only the drawn fields count, so the patient's and the therapist's view of
    the same revealed ratings share one cached image.
    """
    digest = hashlib.sha256(repr((RENDER_VERSION, fmt, data.drawn())).encode()).hexdigest()
    return f'"{digest[:32]}"'


def render(data: ChartData, fmt: str = "svg") -> bytes:
    """The chart as SVG or PNG bytes; ValueError for any other format.

    Empty data draws its ``empty_message`` centred instead of raising, so a new
    partnership shows a friendly figure where the chart will appear.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unsupported chart format {fmt!r}; use one of {sorted(FORMATS)}")
    figure_class, canvas_class = _matplotlib()
    fig = figure_class(figsize=_figsize(data), facecolor="white")
    canvas_class(fig)
    if data.empty:
        fig.text(0.5, 0.5, data.empty_message, ha="center", va="center", fontsize=16, color=INK)
        fig.suptitle(data.title, x=0.02, ha="left", fontsize=13, fontweight="bold")
    else:
        _DRAW[data.name](fig, data)
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
        return _with_svg_title(buf.getvalue(), data.title)
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
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


def _figsize(data: ChartData) -> tuple[float, float]:
    """Fixed size, except the caseload, which grows a band taller per patient."""
    if data.name == "caseload" and not data.empty:
        return FIGSIZE[0], max(FIGSIZE[1], 1.3 + 0.42 * len(data.series))
    return FIGSIZE


def _rating_axes(ax: Any, y_label: str = "", x_label: str = "Session", nbins: int = 8) -> None:
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
    if x_label:
        ax.set_xlabel(x_label)
    if y_label:
        ax.set_ylabel(y_label)


def _title(fig: Any, data: ChartData) -> None:
    """Left-aligned bold title, reading order first on a narrow screen."""
    fig.suptitle(data.title, x=0.02, y=0.98, ha="left", fontsize=13, fontweight="bold")


def _draw_factors(fig: Any, data: ChartData) -> None:
    """Six panels (2 x 3) on one session range; one legend for the two parties at the top."""
    _title(fig, data)
    axes = fig.subplots(
        2, 3, gridspec_kw={"left": 0.07, "right": 0.99, "top": 0.83, "bottom": 0.11, "hspace": 0.35, "wspace": 0.12}
    )
    sessions = [x for s in data.series for x, _ in s.points]
    x_range = (min(sessions) - 0.5, max(sessions) + 0.5)
    for i, (ax, panel) in enumerate(zip(axes.flat, data.panels, strict=False)):  # the grid may have a spare cell
        for series in data.series:
            if series.panel == panel:
                plot_series(ax, series)
        _panel_axes(ax, x_range, bottom_row=i >= 3, left_column=i % 3 == 0)
        # An explicit y skips matplotlib's automatic title placement, a third of the time.
        ax.set_title(panel, fontsize=10, y=1.0, pad=4)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if not handles:  # the first panel may be empty when only later ones have scores
        handles, labels = _first_legend(axes.flat)
    fig.legend(handles, labels, loc="upper right", ncols=2, frameon=False, bbox_to_anchor=(0.99, 0.99))


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
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True) if bottom_row else NullLocator())
    ax.spines[["top", "right"]].set_visible(False)
    if bottom_row:
        ax.set_xlabel("Session")
    if left_column:
        ax.set_ylabel("0–10")


def _first_legend(axes: Any) -> tuple[list, list]:
    """Legend entries from the first panel that has any."""
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            return handles, labels
    return [], []


def _single_axes(fig: Any, data: ChartData, right: float = 0.98) -> Any:
    """One axes with room for the title above and the legend to its top right."""
    _title(fig, data)
    return fig.add_axes((0.08, 0.12, right - 0.08, 0.73))


def _draw_alliance(fig: Any, data: ChartData) -> None:
    """Both index lines, the gap between them shaded, ruptures and repairs marked."""
    ax = _single_axes(fig, data)
    for series in data.series:
        plot_series(ax, series)
    if data.band:
        xs, patient, therapist = zip(*data.band, strict=True)
        ax.fill_between(
            xs, patient, therapist, color="#999999", alpha=0.3, linewidth=0, label="Gap between the ratings", zorder=1
        )
    _draw_marks(ax, data.marks)
    if data.vline is not None:  # the session from which the reworded statements were rated
        ax.axvline(data.vline, color=INK, linestyle=(0, (2, 2)), linewidth=1.0, label=data.vline_label)
    _rating_axes(ax, data.y_label)
    _top_legend(ax, ncols=5)


def _top_legend(ax: Any, ncols: int) -> None:
    """One row of legend entries between the title and the plot."""
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        ncols=ncols,
        frameon=False,
        fontsize=9,
        borderaxespad=0.2,
        columnspacing=1.2,
        handlelength=2.4,
    )


def _draw_marks(ax: Any, marks: tuple[Mark, ...]) -> None:
    """Down-triangles for possible ruptures, up-triangles for repairs: shape, not colour only."""
    for kind, marker, colour, label in (
        ("rupture", "v", RUPTURE_COLOUR, "Possible rupture"),
        ("repair", "^", REPAIR_COLOUR, "Repaired"),
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
        labelled: set[int] = set()  # both parties may mark one session: label it once
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
                fontsize=8,
                color=INK,
            )


def _draw_gaps(fig: Any, data: ChartData) -> None:
    """Factor x session heat map on a diverging scale centred on 0, with a colour bar."""
    import numpy as np

    assert data.matrix is not None
    _title(fig, data)
    matrix = data.matrix
    values = np.ma.masked_invalid(
        np.array([[np.nan if v is None else v for v in row] for row in matrix.values], dtype=float)
    )
    ax = fig.add_axes((0.17, 0.2, 0.69, 0.68))
    cax = fig.add_axes((0.88, 0.2, 0.025, 0.68))
    # Mid grey for "not both rated": PuOr's own centre (no gap) is near white.
    cmap = _colormap("PuOr").with_extremes(bad="#b0b0b0")
    image = ax.imshow(values, cmap=cmap, vmin=-10, vmax=10, aspect="auto", interpolation="nearest")
    colorbar = fig.colorbar(image, cax=cax, ticks=[-10, -5, 0, 5, 10])
    colorbar.set_label("Therapist − patient", fontsize=9)
    fig.text(0.17, 0.02, "Grey: not rated by both, or “nothing felt off”", fontsize=8, color=INK)
    # Wrapped so the longest name, "Termination readiness", fits a phone-width margin.
    ax.set_yticks(range(len(matrix.row_labels)), [r.replace(" ", "\n") for r in matrix.row_labels])
    step = max(1, -(-len(matrix.col_labels) // 16))
    ticks = range(0, len(matrix.col_labels), step)
    ax.set_xticks(list(ticks), [str(matrix.col_labels[i]) for i in ticks])
    ax.set_xlabel("Session")
    if len(matrix.col_labels) <= MAX_CELL_NUMBERS:
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
                    fontsize=8,
                    color="white" if abs(value) >= 6 else "black",
                )


def _draw_readiness(fig: Any, data: ChartData) -> None:
    """Both readiness lines and the dashed ready line."""
    ax = _single_axes(fig, data)
    for series in data.series:
        plot_series(ax, series)
    if data.hline is not None:
        ax.axhline(data.hline, color=INK, linestyle=(0, (6, 3)), linewidth=1.2, label=data.hline_label)
    _rating_axes(ax, "Readiness (0–10)")
    _top_legend(ax, ncols=3)


def _draw_goals(fig: Any, data: ChartData) -> None:
    """A colour per goal, the party's line style and marker per rater; legend at right."""
    ax = _single_axes(fig, data, right=0.66)
    for series in data.series:
        label = series.label if len(series.label) <= LEGEND_CHARS else series.label[: LEGEND_CHARS - 1] + "…"
        plot_series(ax, series, color=GOAL_COLOURS[series.group % len(GOAL_COLOURS)], label=label)
    _rating_axes(ax, data.y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=8)


def _draw_caseload(fig: Any, data: ChartData) -> None:
    """One band per patient in a single axes, each band its own 0-10 scale.

    Small multiples as separate axes cost ~15 ms each, so a caseload of 40 took
    most of a second; bands in one axes stay fast and still read as one small
    line per patient, with the latest index printed at the right.
    """
    _title(fig, data)
    height = fig.get_figheight()
    ax = fig.add_axes((0.2, 0.55 / height, 0.68, 1 - 1.25 / height))
    n = len(data.series)
    colour = INK  # the pale party colours lack contrast on the grey bands
    for row, series in enumerate(data.series):
        base = n - 1 - row  # first patient at the top
        ax.axhspan(base + 0.08, base + 0.92, color="#f2f2f2", linewidth=0)
        ax.axhline(base + 0.5, color="#d0d0d0", linewidth=0.6)  # index 5 in this band
        if not series.points:
            continue
        xs = [x for x, _ in series.points]
        ys = [base + 0.1 + 0.08 * y for _, y in series.points]  # 0-10 -> 0.1-0.9 of the band
        ax.plot(xs, ys, color=colour, linewidth=1.6)
        ax.plot(xs[-1], ys[-1], marker="s", color=colour, markersize=4)
        ax.text(
            1.01,
            (base + 0.5) / n,
            f"{series.points[-1][1]:.1f}",
            transform=ax.transAxes,
            va="center",
            fontsize=9,
            color=INK,
        )
    ax.set_ylim(0, n)
    ax.set_yticks([n - 0.5 - i for i in range(n)], [s.label[:24] for s in data.series], fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel("Session (each band: alliance index 0–10; latest at right)")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))


_DRAW = {
    "factors": _draw_factors,
    "alliance": _draw_alliance,
    "gaps": _draw_gaps,
    "readiness": _draw_readiness,
    "goals": _draw_goals,
    "caseload": _draw_caseload,
}
