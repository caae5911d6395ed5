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

from partnertrack.insights.signals import ALLIANCE, Signals, needs_attention_score

FILTERS = ("all", "attention", "ended")  # the first is the default
SORTS = ("attention", "name", "last", "owed")
RECENT_SESSIONS = 3  # a rupture or repair older than this many sessions no longer leads a row
SEARCH_MAX = 80  # longer search text is cut: nobody's name is longer, and it bounds the work
SPARK_POINTS = 8  # the inline line shows the client's last eight visible sessions
SPARK_WIDTH, SPARK_HEIGHT = 80, 20  # CSS px of the inline line


class GlanceRow(Protocol):
    """What this module reads of a dashboard row (``dashboard.rows.DashboardRow``)."""

    signals: Signals
    concerns: tuple

    @property
    def name(self) -> str: ...  # noqa: D102 - the client's name as the therapist typed it
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def last_number(self) -> int: ...  # noqa: D102 - the latest session's number, 0 for none
    @property
    def last_date(self) -> date | None: ...  # noqa: D102


@dataclass(frozen=True)
class Spark:
    """The client's recent alliance index as an inline line, with the same in words."""

    points: str  # SVG polyline points, "" when fewer than two
    text: str
    latest: str  # the latest value, "" for none


def reasons(row: GlanceRow) -> list[str]:
    """Why the row needs the therapist, most pressing first; [] when nothing current stands out.

    Only current things count: open concerns, ruptures not yet repaired or seen in the
    last few sessions, a declining alliance, forms owed, gaps of the latest session both
    rated, readiness to end. A rupture repaired long ago is history, not news.
    """
    s, found = row.signals, []
    if row.concerns:
        n = len(row.concerns)
        found.append("1 open concern" if n == 1 else f"{n} open concerns")
    recent = row.last_number - RECENT_SESSIONS
    for rupture in s.open_ruptures:
        found.append(f"possible rupture at session {rupture.session_number}")
    for party, per in s.trends.items():
        trend = per.get(ALLIANCE)
        if trend is not None and trend.label == "declining":
            found.append(f"{_party(party)} alliance declining")
    owed = _owed_text(s)
    if owed:
        found.append(owed)
    for gap in s.latest_gaps[:1]:
        if gap.session_number > recent:
            found.append(f"gap of {abs(gap.gap)} on {gap.factor.replace('_', ' ')} at session {gap.session_number}")
    if s.ready_to_end:
        found.append("both ready to discuss ending")
    return found


def newest_signal(row: GlanceRow) -> str:
    """The most recent thing that happened in the ratings, or "" when nothing recent did."""
    recent = row.last_number - RECENT_SESSIONS
    events: list[tuple[int, str]] = []
    for rupture in row.signals.ruptures:
        if rupture.session_number > recent:
            events.append((rupture.session_number, f"possible rupture at session {rupture.session_number}"))
        if rupture.repaired_at is not None and rupture.repaired_at > recent:
            events.append((rupture.repaired_at, f"repaired at session {rupture.repaired_at}"))
    for gap in row.signals.latest_gaps[:1]:
        if gap.session_number > recent:
            events.append((gap.session_number, f"gap of {abs(gap.gap)} at session {gap.session_number}"))
    return max(events)[1] if events else ""


def _party(party: str) -> str:
    """A party as the therapist's table names them."""
    return "client’s" if party == "patient" else "your"


def _owed_text(signals: Signals) -> str:
    """Forms owed, by whom: "forms owed: client 2, you 1"."""
    client = sum(f.party == "patient" for f in signals.forms_owed)
    mine = len(signals.forms_owed) - client
    parts = [f"client {client}"] * bool(client) + [f"you {mine}"] * bool(mine)
    return "forms owed: " + ", ".join(parts) if parts else ""


def spark(points: Sequence[tuple[int, float]], trend_label: str | None) -> Spark:
    """The last few (session, index) points as an inline line of SPARK_WIDTH x SPARK_HEIGHT."""
    shown = list(points)[-SPARK_POINTS:]
    if not shown:
        return Spark("", "No ratings of the client yet.", "")
    latest = f"{shown[-1][1]:.1f}"
    span = f"sessions {shown[0][0]}–{shown[-1][0]}" if len(shown) > 1 else f"session {shown[0][0]}"
    words = f"Client’s alliance, {span}: " + " → ".join(f"{y:.1f}" for _, y in shown)
    if trend_label and trend_label != "not enough data":
        words += f" ({trend_label})"
    if len(shown) < 2:
        return Spark("", words + ".", latest)
    step = (SPARK_WIDTH - 4) / (len(shown) - 1)
    coords = " ".join(
        f"{2 + i * step:.1f},{2 + (10 - y) * (SPARK_HEIGHT - 4) / 10:.1f}" for i, (_, y) in enumerate(shown)
    )
    return Spark(coords, words + ".", latest)


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
    """Most in need first: open concerns, then the signals' own order (insights/signals.py)."""
    return (row.status == "ended", -len(row.concerns), needs_attention_score(row.signals), name_key(row.name))


def name_key(name: str) -> tuple:
    """Names in the order people expect: "Client 2" before "Client 10", case ignored."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.casefold()))


SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "attention": attention_key,
    "name": lambda r: name_key(r.name),
    "last": lambda r: (r.last_date is None, -(r.last_date.toordinal() if r.last_date else 0), name_key(r.name)),
    "owed": lambda r: (-len(r.signals.forms_owed), name_key(r.name)),
}
