"""The line charts' drawings: factor panels, alliance, readiness and goals (matplotlib objects only, no Flask)."""

from __future__ import annotations

import textwrap
from typing import Any

from partnertrack.core.phrase import N_
from partnertrack.insights.chart_axes import first_legend, legend, panel_axes, pt, rating_axes, single_axes, w
from partnertrack.insights.chart_model import ChartData, Mark, MarkWords
from partnertrack.insights.chart_style import (
    GOAL_COLOURS,
    INK,
    LEGEND_WRAP,
    REPAIR_COLOUR,
    RUPTURE_COLOUR,
    plot_series,
)

MAX_ANNOTATIONS = 6  # text labels are the slowest artists; label only the first few marks


def draw_factors(fig: Any, data: ChartData) -> None:
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
        panel_axes(ax, x_range, bottom_row=i >= (rows - 1) * cols, left_column=i % cols == 0)
        # An explicit y skips matplotlib's automatic title placement, a third of the time.
        ax.set_title(panel, fontsize=pt(fig, 10), y=1.0, pad=4)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if not handles:  # the first panel may be empty when only later ones have scores
        handles, labels = first_legend(axes.flat)
    fig.legend(
        handles, labels, loc="upper center", ncols=2, frameon=False, bbox_to_anchor=(0.5, 1.0), fontsize=pt(fig, 10)
    )


def draw_alliance(fig: Any, data: ChartData) -> None:
    """Both index lines, the gap between them shaded, ruptures and repairs marked."""
    ax = single_axes(fig)
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
            label=w(N_("Gap between the ratings")),
            zorder=1,
        )
    _draw_marks(ax, data.marks, data.mark_words)
    if data.vline is not None:  # the session from which the reworded statements were rated
        ax.axvline(data.vline, color=INK, linestyle=(0, (2, 2)), linewidth=1.0, label=data.vline_label)
    rating_axes(ax, data.y_label)
    legend(ax, ncols=5)


def _draw_marks(ax: Any, marks: tuple[Mark, ...], words: MarkWords) -> None:
    """Down-triangles for possible ruptures, up-triangles for repairs: shape, not colour only."""
    for kind, marker, colour, label in (
        ("rupture", "v", RUPTURE_COLOUR, w(words.rupture)),
        ("repair", "^", REPAIR_COLOUR, w(words.repair)),
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
        _annotate_marks(ax, kind, chosen, words)


def _annotate_marks(ax: Any, kind: str, chosen: list[Mark], words: MarkWords) -> None:
    """A word beside the first few marked sessions (once per session when both parties are marked)."""
    labelled: set[int] = set()
    for m in chosen:
        if m.session_number in labelled or len(labelled) >= MAX_ANNOTATIONS:
            continue
        labelled.add(m.session_number)
        text = w((words.at_strong if m.strong else words.at_rupture) if kind == "rupture" else words.at_repair)
        low = min(x.value for x in chosen if x.session_number == m.session_number)
        high = max(x.value for x in chosen if x.session_number == m.session_number)
        ax.annotate(
            text,
            (m.session_number, low if kind == "rupture" else high),
            xytext=(0, -18 if kind == "rupture" else 10),
            textcoords="offset points",
            ha="center",
            fontsize=pt(ax.figure, 8),
            color=INK,
        )


def draw_readiness(fig: Any, data: ChartData) -> None:
    """Both readiness lines and the dashed ready line."""
    ax = single_axes(fig)
    for series in data.series:
        plot_series(ax, series)
    if data.hline is not None:
        ax.axhline(data.hline, color=INK, linestyle=(0, (6, 3)), linewidth=1.2, label=data.hline_label)
    rating_axes(ax, N_("Readiness (0–10)"))
    legend(ax, ncols=3)


def draw_goals(fig: Any, data: ChartData) -> None:
    """A colour per goal, the party's line style and marker per rater; the legend wraps, never cuts."""
    ax = single_axes(fig, right=0.62)
    width = 30 if fig.phone else LEGEND_WRAP
    for series in data.series:
        label = textwrap.fill(series.label, width=width)
        plot_series(ax, series, color=GOAL_COLOURS[series.group % len(GOAL_COLOURS)], label=label)
    rating_axes(ax, data.y_label)
    if fig.phone:
        ax.legend(loc="upper left", bbox_to_anchor=(-0.15, -0.2), frameon=False, fontsize=pt(fig, 8))
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=8)
