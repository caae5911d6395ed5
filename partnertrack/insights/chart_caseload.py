"""The therapist's caseload chart: one band per patient (matplotlib objects only, no Flask)."""

from __future__ import annotations

from typing import Any

from partnertrack.core.phrase import N_, decimal
from partnertrack.insights.chart_axes import w
from partnertrack.insights.chart_model import ChartData
from partnertrack.insights.chart_style import INK


def draw_caseload(fig: Any, data: ChartData) -> None:
    """One band per patient in a single axes, each band its own 0-10 scale.

    Small multiples as separate axes cost ~15 ms each, so a caseload of 40 took
    most of a second; bands in one axes stay fast and still read as one small
    line per patient, with the latest index printed at the right.
    """
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
            w(decimal(series.points[-1][1])),  # the viewer's decimal sign (core/phrase.Number)
            transform=ax.transAxes,
            va="center",
            fontsize=9,
            color=INK,
        )
    ax.set_ylim(0, n)
    ax.set_yticks([n - 0.5 - i for i in range(n)], [s.label[:24] for s in data.series], fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel(w(N_("Session (each band: alliance index 0–10; latest at right)")))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
