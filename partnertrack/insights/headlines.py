"""What leads a row of the caseload table, read from the signals (pure).

Only current things: a rupture repaired long ago is history, not news. The caseload table
(dashboard/glance.py) shows these, and the stored summaries (summaries/payload.py) keep them
per partnership, so the table reads no rating. docs/clinical.md ("The caseload table").
"""

from __future__ import annotations

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


def newest_signal(signals: Signals, last_number: int) -> str:
    """The most recent thing that happened in the ratings, or "" when nothing recent did."""
    recent = last_number - RECENT_SESSIONS
    events: list[tuple[int, str]] = []
    for rupture in signals.ruptures:
        if rupture.session_number > recent:
            events.append((rupture.session_number, f"possible rupture at session {rupture.session_number}"))
        if rupture.repaired_at is not None and rupture.repaired_at > recent:
            events.append((rupture.repaired_at, f"repaired at session {rupture.repaired_at}"))
    for gap in signals.latest_gaps[:1]:
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
