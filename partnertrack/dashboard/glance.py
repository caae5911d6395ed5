"""What one caseload row says at a glance, and how the caseload table is filtered and sorted (pure).

No Flask, no SQLAlchemy: the view hands in the rows ``dashboard/rows.py`` gathered, this
module decides which are shown, in which order, and the words and the small line of each.
docs/clinical.md ("The caseload table") says which signals lead a row and why old ones do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from partnertrack.core.phrase import N_, P_, Phrase, decimal

FILTERS = ("all", "attention", "ended")  # the first is the default
SORTS = ("attention", "name", "last", "owed")
SEARCH_MAX = 80  # longer search text is cut: nobody's name is longer, and it bounds the work
SPARK_POINTS = 8  # the inline line shows the client's last eight visible sessions
SPARK_WIDTH, SPARK_HEIGHT = 80, 20  # CSS px of the inline line
TREND_WORDS = (N_("improving"), N_("stable"), N_("declining"))  # translated when shown


class GlanceRow(Protocol):
    """What this module reads of a dashboard row (``dashboard.rows.DashboardRow``)."""

    concerns: tuple

    @property
    def name(self) -> str: ...  # noqa: D102 - the client's name as the therapist typed it
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def last_number(self) -> int: ...  # noqa: D102 - the latest session's number, 0 for none
    @property
    def last_date(self) -> date | None: ...  # noqa: D102
    @property
    def talk_soon(self) -> bool: ...  # noqa: D102 - the patient asked to talk soon, not yet answered
    @property
    def signal_reasons(self) -> Sequence[str]: ...  # noqa: D102 - insights/headlines.signal_reasons of its signals
    @property
    def attention(self) -> tuple: ...  # noqa: D102 - needs_attention_score of its signals
    @property
    def owed_count(self) -> int: ...  # noqa: D102 - forms owed by either party


@dataclass(frozen=True)
class Spark:
    """The client's recent alliance index as an inline line, with the same in words."""

    points: str  # SVG polyline points, "" when fewer than two
    text: str  # a Phrase (core/phrase.py): English, translated when shown
    latest: str  # the latest value, "" for none


def reasons(row: GlanceRow) -> list[str]:
    """Why the row needs the therapist, most pressing first; [] when nothing current stands out.

    A request to talk soon and open concerns come first; then what the signals say now
    (``signal_reasons``). An ended partnership needs nothing of the therapist now: its open
    concerns and old signals are history (docs/clinical.md, "The rupture log").
    """
    if row.status == "ended":
        return []
    found: list[str] = [Phrase("asked to talk soon")] if row.talk_soon else []
    if row.concerns:
        found.append(P_("%(num)d open concern", "%(num)d open concerns", num=len(row.concerns)))
    return found + list(row.signal_reasons)


def spark(points: Sequence[tuple[int, float]], trend_label: str | None) -> Spark:
    """The last few (session, index) points as an inline line of SPARK_WIDTH x SPARK_HEIGHT."""
    shown = list(points)[-SPARK_POINTS:]
    if not shown:
        return Spark("", Phrase("No ratings of the client yet."), "")
    latest = decimal(shown[-1][1])
    # "6.5 → 7.0": a phrase with no words to translate, so each number is written in the viewer's language.
    arrows = " → ".join(f"%(v{i})s" for i in range(len(shown)))  # a name, not a literal: nothing to extract
    values = Phrase(arrows, **{f"v{i}": decimal(y) for i, (_, y) in enumerate(shown)})
    first, last = shown[0][0], shown[-1][0]
    if trend_label and trend_label != "not enough data":
        label = Phrase(trend_label)
        if len(shown) > 1:
            words = Phrase(
                "Client’s alliance, sessions %(first)s–%(last)s: %(values)s (%(trend)s).",
                first=first, last=last, values=values, trend=label,
            )  # fmt: skip
        else:
            words = Phrase(
                "Client’s alliance, session %(first)s: %(values)s (%(trend)s).", first=first, values=values, trend=label
            )
    elif len(shown) > 1:
        words = Phrase(
            "Client’s alliance, sessions %(first)s–%(last)s: %(values)s.", first=first, last=last, values=values
        )
    else:
        words = Phrase("Client’s alliance, session %(first)s: %(values)s.", first=first, values=values)
    if len(shown) < 2:
        return Spark("", words, latest)
    step = (SPARK_WIDTH - 4) / (len(shown) - 1)
    coords = " ".join(
        f"{2 + i * step:.1f},{2 + (10 - y) * (SPARK_HEIGHT - 4) / 10:.1f}" for i, (_, y) in enumerate(shown)
    )
    return Spark(coords, words, latest)


def choose(value: str | None, allowed: Sequence[str]) -> str:
    """A query parameter if it is one of ``allowed``, else the first (the default)."""
    return value if value in allowed else allowed[0]


def search_text(value: str | None) -> str:
    """The search box's text, trimmed and bounded."""
    return " ".join((value or "").split())[:SEARCH_MAX]


def select(rows: Sequence[Any], show: str, query: str, sort: str) -> list[Any]:
    """The rows the table shows: filtered by ``show`` and the name ``query``, in ``sort`` order."""
    needle = query.casefold()
    kept = [r for r in rows if _shown(r, show) and needle in r.name.casefold()]
    return sorted(kept, key=SORT_KEYS[sort])


def _shown(row: GlanceRow, show: str) -> bool:
    """Whether ``row`` belongs under the filter ``show``."""
    if show == "ended":
        return row.status == "ended"
    # A partnership the patient closed by deleting their account is news, not an archive entry.
    if row.status == "ended" and not getattr(row, "closed_by_patient", False):
        return False
    return show == "all" or bool(reasons(row))


def attention_key(row: GlanceRow) -> tuple:
    """Most in need first: a request to talk soon, open concerns, then the signals' own order.

    The signals' order (insights/signals.needs_attention_score) puts the client's signals
    before the therapist's: the client's ratings are the ones that predict dropout.
    """
    asked = row.talk_soon and row.status != "ended"
    return (row.status == "ended", not asked, -len(row.concerns), tuple(row.attention), name_key(row.name))


def name_key(name: str) -> tuple:
    """Names in the order people expect: "Client 2" before "Client 10", case ignored."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.casefold()))


SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "attention": attention_key,
    "name": lambda r: name_key(r.name),
    "last": lambda r: (r.last_date is None, -(r.last_date.toordinal() if r.last_date else 0), name_key(r.name)),
    "owed": lambda r: (-r.owed_count, name_key(r.name)),
}
