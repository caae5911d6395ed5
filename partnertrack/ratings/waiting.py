"""Which session waits for whose rating, and which one the form opens on (pure Python).

Both ratings of one meeting must land on one session. So the form never opens on a new
date while a session waits for the viewer, and a new date close to a waiting session is
questioned before a second session is made (the rules are in docs/clinical.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from partnertrack.core.roles import other_role
from partnertrack.ratings.reveal import SessionView

# A new date this close to a session that waits for the viewer is probably that session.
MATCH_DAYS = 3


def partner_rated(view: SessionView, role: str) -> bool:
    """True when the viewer's partner has rated the session."""
    return other_role(role) in view.rated_by


def waiting_for(timeline: Sequence[SessionView], role: str) -> list[SessionView]:
    """The held sessions ``role`` has not rated, in the order the form offers them.

    First the sessions the partner has rated, oldest first (their rating waits for this
    one to be revealed); then the others, most recent first.
    """
    unrated = [v for v in timeline if role not in v.rated_by]
    rated_by_partner = sorted((v for v in unrated if partner_rated(v, role)), key=lambda v: v.date)
    others = sorted((v for v in unrated if not partner_rated(v, role)), key=lambda v: v.date, reverse=True)
    return rated_by_partner + others


def session_to_rate(timeline: Sequence[SessionView], role: str) -> SessionView | None:
    """The session "Rate a session" opens on: the first that waits for ``role``; None for a new one today."""
    waiting = waiting_for(timeline, role)
    return waiting[0] if waiting else None


def waiting_near(timeline: Sequence[SessionView], role: str, day: date, days: int = MATCH_DAYS) -> list[SessionView]:
    """Sessions waiting for ``role`` within ``days`` of ``day`` (a date with no session), closest first."""
    near = [v for v in waiting_for(timeline, role) if v.date != day and abs((v.date - day).days) <= days]
    return sorted(near, key=lambda v: (abs((v.date - day).days), v.date))
