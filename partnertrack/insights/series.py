"""A partnership's ratings as plain data, and the small readings every signal shares (pure).

The caller applies the reveal rule first: a series holds only the ratings the viewer may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from partnertrack.core.roles import ROLES, Role
from partnertrack.ratings.factors import alliance_index


@dataclass(frozen=True)
class RatingData:
    """One party's rating of one session, as the viewer may see it."""

    session_number: int
    session_date: datetime.date
    rater: str
    scores: Mapping[str, int | None]
    comment: str = ""


@dataclass(frozen=True)
class SessionStatus:
    """Who has rated a session at all, revealed or not: the input for forms owed."""

    session_number: int
    session_date: datetime.date
    rated_by: frozenset[str]


@dataclass(frozen=True)
class IndexPoint:
    """The alliance index of one rating (None only if no index factor was rated)."""

    session_number: int
    rater: str
    index: float | None


def by_party(ratings: Iterable[RatingData]) -> dict[str, list[RatingData]]:
    """Each role's ratings in session order; a role with no ratings maps to []."""
    grouped: dict[str, list[RatingData]] = {role: [] for role in ROLES}
    for rating in ratings:
        grouped.setdefault(rating.rater, []).append(rating)
    for series in grouped.values():
        series.sort(key=lambda r: r.session_number)
    return grouped


def both_rated(ratings: Iterable[RatingData]) -> list[tuple[RatingData, RatingData]]:
    """(patient, therapist) pairs of the sessions both rated, in session order."""
    seen: dict[int, dict[str, RatingData]] = {}
    for rating in ratings:
        seen.setdefault(rating.session_number, {})[rating.rater] = rating
    return [
        (pair[Role.PATIENT], pair[Role.THERAPIST])
        for _, pair in sorted(seen.items())
        if Role.PATIENT in pair and Role.THERAPIST in pair
    ]


def index_of(rating: RatingData) -> float | None:
    """The alliance index of one rating (factors.alliance_index over its scores)."""
    return alliance_index(dict(rating.scores))


def alliance_indices(ratings: Iterable[RatingData]) -> tuple[IndexPoint, ...]:
    """The alliance index of every rating, ordered by session then rater."""
    points = [IndexPoint(r.session_number, r.rater, index_of(r)) for r in ratings]
    return tuple(sorted(points, key=lambda p: (p.session_number, p.rater)))
