"""The gap map's drawing: a factor x session heat map with a colour bar (matplotlib objects only, no Flask)."""

from __future__ import annotations

from typing import Any

from partnertrack.core.phrase import N_
from partnertrack.insights.chart_axes import pt, w
from partnertrack.insights.chart_model import ChartData
from partnertrack.insights.chart_style import INK

MAX_CELL_NUMBERS = 24  # gap-map sessions up to which each cell shows its number
MAX_CELL_NUMBERS_PHONE = 8


def draw_gaps(fig: Any, data: ChartData) -> None:
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
    colorbar.set_label(w(N_("Therapist − patient")), fontsize=pt(fig, 9))
    colorbar.ax.tick_params(labelsize=pt(fig, 9))
    note = (
        w(N_("Grey: not rated by both,\nor “nothing felt off”"))
        if phone
        else w(N_("Grey: not rated by both, or “nothing felt off”"))
    )
    fig.text(0.02, 0.01, note, fontsize=pt(fig, 8), color=INK)
    _label_axes(ax, matrix.row_labels, matrix.col_labels, phone)
    # On the phone a cell is too narrow for a number in readable type; the table has them.
    if len(matrix.col_labels) <= (MAX_CELL_NUMBERS_PHONE if phone else MAX_CELL_NUMBERS):
        _number_cells(ax, matrix.values)


def _label_axes(ax: Any, rows: tuple[str, ...], sessions: tuple[int, ...], phone: bool) -> None:
    """Factor names down the side, a readable number of session ticks along the bottom."""
    # Wrapped so the longest name, "Termination readiness", fits a phone-width margin.
    ax.set_yticks(range(len(rows)), [r.replace(" ", "\n") for r in rows])
    step = max(1, -(-len(sessions) // (6 if phone else 16)))
    ticks = range(0, len(sessions), step)
    ax.set_xticks(list(ticks), [str(sessions[i]) for i in ticks])
    ax.tick_params(labelsize=pt(ax.figure, 10))
    ax.set_xlabel(w(N_("Session")), fontsize=pt(ax.figure, 10))


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
                    fontsize=pt(ax.figure, 8),
                    color="white" if abs(value) >= 6 else "black",
                )
