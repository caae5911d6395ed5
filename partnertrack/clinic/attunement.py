"""The attunement figure: how far a therapist's own blind ratings show the dips their clients report (pure).

Of the dips the client's ratings show (possible ruptures in the patient's series, found by
``insights.signals.find_ruptures``, whatever its rules are at the time), the share that the
therapist's ratings of the same session also showed as a dip of their own (a therapist
rupture opened at that session, or counted into one still open). Only sessions the
therapist rated count: a dip nobody on the therapist's side rated is neither seen nor
missed. Both ratings of a session are given blind, before either sees the other's, so a
match is the therapist's own reading of the session.

The lean is the mean of therapist minus client alliance index over the sessions both rated.
Clients usually rate the alliance higher than therapists do (Tryon et al. 2007): a lean
below zero is the common pattern, not a fault. The figure is a support for supervision,
shown to the therapist about themselves and to their supervisor, never a ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from partnertrack.core.roles import Role
from partnertrack.insights.signals import RatingData, Rupture, both_rated, find_ruptures, index_of

# |lean| below this many index points reads as "close": everyday noise between two raters.
CLOSE_LEAN = 0.5


@dataclass(frozen=True)
class Attunement:
    """Client dips and how many the therapist's own ratings also showed; the lean of the two series."""

    client_dips: int = 0
    seen_by_therapist: int = 0
    lean_total: float = 0.0
    sessions_compared: int = 0

    @property
    def share_seen(self) -> float | None:
        """Seen / client dips, or None when the clients' ratings showed no dip."""
        return self.seen_by_therapist / self.client_dips if self.client_dips else None

    @property
    def lean(self) -> float | None:
        """Mean therapist minus client alliance index over the sessions both rated, or None."""
        return self.lean_total / self.sessions_compared if self.sessions_compared else None

    @property
    def lean_words(self) -> str:
        """Which way the therapist's ratings lean against the client's, in words."""
        lean = self.lean
        if lean is None:
            return "no session rated by both yet"
        if abs(lean) < CLOSE_LEAN:
            return "close to the clients' ratings"
        direction = "lower" if lean < 0 else "higher"
        return f"{abs(lean):.1f} points {direction} than the clients' ratings"

    @property
    def lean_kind(self) -> str:
        """``lean_words`` as a key, for pages that word it in the viewer's language: none, close, lower, higher."""
        lean = self.lean
        if lean is None:
            return "none"
        if abs(lean) < CLOSE_LEAN:
            return "close"
        return "lower" if lean < 0 else "higher"

    def __add__(self, other: Attunement) -> Attunement:
        """Two caseloads' figures together (sums, so the shares stay exact)."""
        return Attunement(
            self.client_dips + other.client_dips,
            self.seen_by_therapist + other.seen_by_therapist,
            self.lean_total + other.lean_total,
            self.sessions_compared + other.sessions_compared,
        )


def therapist_dip_sessions(ruptures: Iterable[Rupture]) -> frozenset[int]:
    """Sessions where the therapist's series shows a dip: where one opened, or one still open absorbed."""
    sessions: set[int] = set()
    for rupture in ruptures:
        if rupture.party == Role.THERAPIST:
            sessions.add(rupture.session_number)
            sessions.update(rupture.absorbed)
    return frozenset(sessions)


def of_partnership(ratings: Sequence[RatingData], ruptures: Sequence[Rupture] | None = None) -> Attunement:
    """The figure of one partnership from its revealed ratings (``ruptures`` if already found)."""
    found = find_ruptures(ratings) if ruptures is None else ruptures
    therapist_rated = {r.session_number for r in ratings if r.rater == Role.THERAPIST}
    therapist_dips = therapist_dip_sessions(found)
    client_dips = [r for r in found if r.party == Role.PATIENT and r.session_number in therapist_rated]
    seen = sum(1 for r in client_dips if r.session_number in therapist_dips)
    lean_total, compared = 0.0, 0
    for patient, therapist in both_rated(ratings):
        p, t = index_of(patient), index_of(therapist)
        if p is not None and t is not None:
            lean_total += t - p
            compared += 1
    return Attunement(len(client_dips), seen, lean_total, compared)


def combined(figures: Iterable[Attunement]) -> Attunement:
    """The figures of many partnerships as one (a therapist's caseload, a clinic)."""
    total = Attunement()
    for figure in figures:
        total = total + figure
    return total
