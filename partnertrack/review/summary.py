"""What the ending review compares (pure): first sessions against the latest, per factor.

Works on the ratings the viewer may see (RatingData, after the reveal rule),
so the review never shows a rating the partner has not yet been shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from partnertrack.core.roles import ROLES
from partnertrack.insights.alliance_words import labels_for
from partnertrack.insights.signals import RatingData, by_party, index_of
from partnertrack.ratings.factors import FACTORS

WINDOW = 3


@dataclass(frozen=True)
class Window:
    """The mean of one party's values over a few sessions, and which sessions."""

    mean: float | None
    sessions: tuple[int, ...]


@dataclass(frozen=True)
class Comparison:
    """One factor (or the alliance index): first sessions against the last, per party."""

    name: str
    key: str | None
    first: dict[str, Window]
    last: dict[str, Window]

    def change(self, role: str) -> float | None:
        """Last minus first for ``role``; None without values, or when the windows are the same sessions."""
        first, last = self.first[role], self.last[role]
        if first.mean is None or last.mean is None or first.sessions == last.sessions:
            return None
        return last.mean - first.mean

    def overlaps(self, role: str) -> bool:
        """True when the party rated too few sessions for the two windows to be apart."""
        return bool(set(self.first[role].sessions) & set(self.last[role].sessions))


def _window(points: Sequence[tuple[int, float]]) -> Window:
    """Mean and session numbers of ``points`` (None mean when empty)."""
    if not points:
        return Window(None, ())
    return Window(statistics.fmean(v for _, v in points), tuple(n for n, _ in points))


def _points(series: Sequence[RatingData], key: str | None) -> list[tuple[int, float]]:
    """(session, value) of ``key`` (None: the alliance index), skipping unrated values."""
    points = []
    for r in series:
        value = index_of(r) if key is None else r.scores.get(key)
        if value is not None:
            points.append((r.session_number, float(value)))
    return points


def first_against_last(
    ratings: Iterable[RatingData], window: int = WINDOW, viewer_role: str | None = None
) -> list[Comparison]:
    """The alliance index and every factor: mean of each party's first ``window`` against last ``window``.

    With fewer than 2 x window ratings the windows share sessions; ``overlaps``
    says so and ``change`` is only reported when the windows differ at all. The index's
    row is named for ``viewer_role`` as the alliance chart is: the patient reads no index.
    """
    parties = by_party(ratings)
    result = []
    for name, key in [(labels_for(viewer_role).title, None)] + [(f.name, f.key) for f in FACTORS]:
        first, last = {}, {}
        for role in ROLES:
            points = _points(parties.get(role, []), key)
            first[role] = _window(points[:window])
            last[role] = _window(points[-window:])
        result.append(Comparison(name, key, first, last))
    return result
