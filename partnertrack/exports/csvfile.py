"""The CSV export contract (pure): one row per rating the viewer may see."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.ratings.reveal import SessionView

HEADER = ("session_number", "session_date", "rater", *FACTOR_KEYS, "alliance_index", "comment")
# Cells that a spreadsheet would run as a formula; prefixed so opening the file runs nothing.
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection in free text, leaving ordinary prose as typed.

    A leading "- " (a list dash) is prose; "-2+3" would be a formula.
    """
    risky = value.startswith(_FORMULA_START) or (len(value) > 1 and value[0] == "-" and not value[1].isspace())
    return "'" + value if risky else value


def _cell(value) -> str:
    """A score or index as text; an unrated rupture repair stays an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def rows(timeline: Iterable[SessionView]) -> list[list[str]]:
    """The data rows, patient before therapist within a session."""
    out = []
    for view in timeline:
        for rating in view.visible:
            out.append(
                [str(view.number), view.date.isoformat(), rating.rater]
                + [_cell(rating.scores.get(key)) for key in FACTOR_KEYS]
                + [_cell(rating.alliance_index), _safe_text(rating.comment)]
            )
    return out


def render(timeline: Iterable[SessionView]) -> str:
    """The whole CSV document, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(timeline))
    return buffer.getvalue()
