"""What every chart drawing shares: its words' language, font sizes, axes and legends (no Flask).

The drawing modules (chart_lines, chart_heatmap, chart_caseload) call these on matplotlib
objects they are handed; nothing here imports matplotlib at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from partnertrack.core.phrase import N_

# The phone rendering: 4 in (384 CSS px) is shown about 330 px wide on a 390 px screen, so
# 12 pt text lands at 12 x 96/72 x 330/384 = 13.7 CSS px (less where a legend widens the cropped
# image), above the 12 px a phone needs; tests/browser/test_glance.py measures it.
PHONE_MIN_PT = 12.0


def same(text: str) -> str:
    """Words left as they are: English, when ``render`` was given no translation."""
    return text


# The translation of the fixed drawn words for the render under way (charts.render sets it).
WORDS: ContextVar[Callable[[str], str]] = ContextVar("chart_words", default=same)


def w(text: str) -> str:
    """A drawn word in the language ``render`` was given (English by default)."""
    return WORDS.get()(text)


def pt(fig: Any, points: float) -> float:
    """A font size: as given on the wide figure, at least PHONE_MIN_PT on the phone one."""
    return max(points, PHONE_MIN_PT) if getattr(fig, "phone", False) else points


def rating_axes(ax: Any, y_label: str = "", x_label: str = N_("Session"), nbins: int = 8) -> None:
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
    ax.tick_params(labelsize=pt(ax.figure, 10))
    if x_label:
        ax.set_xlabel(w(x_label), fontsize=pt(ax.figure, 10))
    if y_label:
        ax.set_ylabel(w(y_label), fontsize=pt(ax.figure, 10))


def panel_axes(ax: Any, x_range: tuple[float, float], bottom_row: bool, left_column: bool) -> None:
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
    size = pt(ax.figure, 10)
    ax.tick_params(labelsize=size)
    if bottom_row:
        ax.set_xlabel(w(N_("Session")), fontsize=size)
    if left_column:
        ax.set_ylabel(w(N_("0–10")), fontsize=size)


def first_legend(axes: Any) -> tuple[list, list]:
    """Legend entries from the first panel that has any."""
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            return handles, labels
    return [], []


def single_axes(fig: Any, right: float = 0.98) -> Any:
    """One axes with room for the legend above it (below it on the phone)."""
    if fig.phone:
        return fig.add_axes((0.15, 0.12, 0.82, 0.85))
    return fig.add_axes((0.08, 0.12, right - 0.08, 0.76))


def legend(ax: Any, ncols: int) -> None:
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
        fontsize=pt(ax.figure, 9),
        borderaxespad=0.2,
        columnspacing=1.0,
        handlelength=2.4,
    )
