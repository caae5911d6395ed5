"""The plain data a chart is drawn from, and its text alternative (pure; no matplotlib).

``chart_data`` builds these from the ratings; ``charts`` renders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnertrack.core.phrase import N_, Number, Phrase, decimal
from partnertrack.ratings.factors import NOT_APPLICABLE_LABEL

NO_RATINGS = N_("No ratings yet")
Point = tuple[int, float]
# A point whose value is None is a deliberate "nothing felt off" answer: the
# renderer breaks the line there and the table says so, unlike a missing session.
MaybePoint = tuple[int, float | None]


@dataclass(frozen=True)
class Series:
    """One line: (session_number, value) points; ``role`` picks the party's line style."""

    label: str
    points: tuple[MaybePoint, ...]
    role: str | None = None
    panel: str = ""  # small-multiple panel title; "" for a single-axes chart
    group: int = 0  # colour slot for lines that are not a party's (goals, patients)


@dataclass(frozen=True)
class Mark:
    """A rupture or repair to mark on the alliance chart at (session_number, value)."""

    kind: str  # "rupture" | "repair"
    role: str
    session_number: int
    value: float
    strong: bool = False


@dataclass(frozen=True)
class MarkWords:
    """The words drawn with the alliance chart's marks: legend entries, then the labels beside the marks.

    The therapist's by default; the patient's (alliance_words.py) speak of a dip, never a rupture.
    """

    rupture: str = N_("Possible rupture")
    repair: str = N_("Repaired")
    at_rupture: str = N_("rupture")
    at_strong: str = N_("strong rupture")
    at_repair: str = N_("repaired")


@dataclass(frozen=True)
class Matrix:
    """The gap map: values[row][col] is therapist - patient, None where not both rated."""

    row_labels: tuple[str, ...]
    col_labels: tuple[int, ...]
    values: tuple[tuple[int | None, ...], ...]


@dataclass(frozen=True)
class ChartData:
    """Everything one chart needs: what to draw, and its text alternative."""

    name: str
    title: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    empty: bool
    empty_message: str = NO_RATINGS
    series: tuple[Series, ...] = ()
    panels: tuple[str, ...] = ()
    marks: tuple[Mark, ...] = ()
    band: tuple[tuple[int, float, float], ...] = ()  # (session, patient, therapist) shaded
    matrix: Matrix | None = None
    hline: float | None = None
    hline_label: str = ""
    y_label: str = "Rating (0–10)"
    vline: float | None = None  # x of a dashed upright line: where the statements were reworded
    vline_label: str = ""
    mark_words: MarkWords = MarkWords()

    def drawn(self) -> tuple:
        """The fields the image depends on (not the viewer-worded summary or table).

        The title and the drawn words are among them: the alliance chart is titled and
        labelled for its reader, so its image is the patient's or the therapist's.
        """
        return (
            self.name,
            self.title,
            self.empty,
            self.empty_message,
            self.series,
            self.panels,
            self.marks,
            self.band,
            self.matrix,
            self.hline,
            self.hline_label,
            self.y_label,
            self.vline,
            self.vline_label,
            self.mark_words,
        )


@dataclass(frozen=True)
class GoalSeries:
    """Progress ratings (session_number, rater, progress 0-10) of one shared goal."""

    title: str
    points: Sequence[tuple[int, str, int]]


@dataclass(frozen=True)
class CaseloadLine:
    """The therapist's alliance index per session for one patient (label = name)."""

    label: str
    points: Sequence[Point]


def cell(value: float | int | None) -> float | int | str:
    """A table cell: "" for missing, indices to one decimal, scores as they are."""
    if value is None:
        return ""
    return round(value, 1) if isinstance(value, float) else value


def number_text(value: float) -> Number:
    """7 -> "7", 6.25 -> "6.2": whole scores read as whole numbers."""
    return decimal(value, 0) if float(value).is_integer() else decimal(value)


def table_of(series: Sequence[Series]) -> tuple[tuple, ...]:
    """One row per session any series has, then one cell per series."""
    lookup = [dict(s.points) for s in series]
    sessions = sorted({x for s in series for x, _ in s.points})
    return tuple((n, *(_lookup_cell(points, n) for points in lookup)) for n in sessions)


def _lookup_cell(points: dict[int, float | None], session: int) -> float | int | str:
    """ "" for a session the series lacks; a None value ("nothing felt off") in words."""
    if session not in points:
        return ""
    value = points[session]
    return NOT_APPLICABLE_LABEL if value is None else cell(value)


def empty_chart(name: str, title: str, columns: Sequence[str], message: str = NO_RATINGS) -> ChartData:
    """The empty state: the renderer draws ``message`` instead of axes."""
    return ChartData(name, title, Phrase("%(message)s.", message=Phrase(message)), tuple(columns), (), True, message)
