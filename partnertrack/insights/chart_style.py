"""How a chart's lines look: colour-blind-safe colours plus line styles and markers (pure)."""

from __future__ import annotations

from typing import Any

from partnertrack.core.roles import Role
from partnertrack.insights.chart_model import Series

# Colours from the Okabe & Ito (2008) colour-blind-safe palette; the two parties
# also differ by line style and marker, so nothing depends on colour alone.
# Where both parties give the same score the points coincide: the patient's small filled
# circle is drawn on top of the therapist's larger open square, so both stay visible.
ROLE_STYLE: dict[str, dict[str, Any]] = {
    Role.PATIENT: {"color": "#0072B2", "linestyle": "-", "marker": "o", "markersize": 5, "zorder": 4},
    Role.THERAPIST: {
        "color": "#E69F00",
        "linestyle": "--",
        "marker": "s",
        "markersize": 9,
        "markerfacecolor": "white",
        "markeredgewidth": 1.6,
        "zorder": 3,
    },
}
# Goals start with the colours the parties do not use; yellow is left out, too pale on white.
GOAL_COLOURS = ("#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#0072B2", "#E69F00")
LEGEND_WRAP = 34  # a longer goal title wraps onto more lines in the legend, never cut
RUPTURE_COLOUR, REPAIR_COLOUR, INK = "#D55E00", "#009E73", "#333333"
MAX_MARKERS = 40  # beyond this many points a marker per point is clutter and costs time


def line_style(series: Series) -> dict[str, Any]:
    """Colour, line style and marker for a series; markers dropped on long unbroken series.

    A series with None values keeps its markers whatever its length: a score
    between two "nothing felt off" answers is a lone point, visible only as one.
    """
    style = dict(ROLE_STYLE.get(series.role or "", {"color": INK, "linestyle": "-", "marker": "o"}))
    if len(series.points) > MAX_MARKERS and all(y is not None for _, y in series.points):
        style["marker"] = None
    return style


def plot_series(ax: Any, series: Series, **overrides: Any) -> None:
    """One line with its legend label; a single point still shows as a marker."""
    if not series.points:
        return
    xs = [x for x, _ in series.points]
    # A None value ("nothing felt off") becomes NaN, which breaks the line there
    # instead of drawing a slope through sessions that were not rated.
    ys = [float("nan") if y is None else y for _, y in series.points]
    style = {"label": series.label, "linewidth": 2, "markersize": 5, **line_style(series), **overrides}
    if style.get("marker") is None:  # no markers on a long series: the size settings go with them
        for key in ("markersize", "markerfacecolor", "markeredgewidth"):
            style.pop(key, None)
    ax.plot(xs, ys, **style)
