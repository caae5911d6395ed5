"""What leads a row of the caseload table, read from the signals (pure).

Only current things: a rupture repaired long ago is history, not news. The caseload table
(dashboard/glance.py) shows these, and the stored summaries (summaries/payload.py) keep them
per partnership, so the table reads no rating. docs/clinical.md ("The caseload table").
"""

from __future__ import annotations

from partnertrack.core.phrase import N_, Phrase
from partnertrack.insights.signals import ALLIANCE, Signals

RECENT_SESSIONS = 3  # a rupture or repair older than this many sessions no longer leads a row


def signal_reasons(s: Signals, last_number: int) -> list[str]:
    """What the signals say needs the therapist now, most pressing first.

    Only current things count: ruptures not yet repaired, a declining alliance, forms
    owed, gaps of the latest session both rated within the last few sessions, readiness to
    end. A rupture repaired long ago is history, not news.
    """
    found = []
    recent = last_number - RECENT_SESSIONS
    for rupture in s.open_ruptures:
        found.append(Phrase("possible rupture at session %(number)s", number=rupture.session_number))
    for party, per in s.trends.items():
        trend = per.get(ALLIANCE)
        if trend is not None and trend.label == "declining":
            found.append(Phrase(_party(party)))
    owed = _owed_text(s)
    if owed:
        found.append(owed)
    for gap in _widest(s.latest_gaps):
        if gap.session_number > recent:
            found.append(
                Phrase(
                    "gap of %(gap)s on %(factor)s at session %(number)s",
                    gap=abs(gap.gap),
                    factor=Phrase(gap.factor.replace("_", " ")),
                    number=gap.session_number,
                )
            )
    if s.ready_to_end:
        found.append(Phrase("both ready to discuss ending"))
    return found


def newest_signal(signals: Signals, last_number: int) -> str:
    """The most recent thing that happened in the ratings, or "" when nothing recent did."""
    recent = last_number - RECENT_SESSIONS
    events: list[tuple[int, str]] = []
    for rupture in signals.ruptures:
        if rupture.session_number > recent:
            events.append(
                (
                    rupture.session_number,
                    Phrase("possible rupture at session %(number)s", number=rupture.session_number),
                )
            )
        if rupture.repaired_at is not None and rupture.repaired_at > recent:
            events.append((rupture.repaired_at, Phrase("repaired at session %(number)s", number=rupture.repaired_at)))
    for gap in _widest(signals.latest_gaps):
        if gap.session_number > recent:
            events.append(
                (
                    gap.session_number,
                    Phrase("gap of %(gap)s at session %(number)s", gap=abs(gap.gap), number=gap.session_number),
                )
            )
    return max(events)[1] if events else ""


def _widest(gaps) -> list:
    """The widest of the latest session's notable gaps (the first in factor order among equals), or none."""
    return [max(gaps, key=lambda g: abs(g.gap))] if gaps else []


def _party(party: str) -> str:
    """A declining alliance as the therapist's table names it."""
    return N_("client’s alliance declining") if party == "patient" else N_("your alliance declining")


def _owed_text(signals: Signals) -> str:
    """Forms owed, by whom: "forms owed: client 2, you 1"."""
    client = sum(f.party == "patient" for f in signals.forms_owed)
    mine = len(signals.forms_owed) - client
    if client and mine:
        return Phrase("forms owed: client %(client)s, you %(mine)s", client=client, mine=mine)
    if client:
        return Phrase("forms owed: client %(client)s", client=client)
    if mine:
        return Phrase("forms owed: you %(mine)s", mine=mine)
    return ""


# Factor names as the table and the sentences write them (translated when shown: core/phrase.py).
FACTOR_WORDS = (
    N_("mutuality"), N_("collaboration"), N_("responsiveness"), N_("feedback"), N_("rupture repair"),
    N_("termination readiness"),
)  # fmt: skip
