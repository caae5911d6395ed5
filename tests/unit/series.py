"""Hand-made rating series shared by the signal and chart-data unit tests."""

from __future__ import annotations

import datetime

from partnertrack.insights.signals import RatingData
from partnertrack.ratings.factors import INDEX_KEYS

D0 = datetime.date(2025, 1, 6)


def rate(n: int, rater: str = "patient", level: int = 7, **over: int | None) -> RatingData:
    """Session ``n`` (weekly from D0) rated ``level`` on every alliance factor, readiness 3 unless given."""
    scores: dict[str, int | None] = dict.fromkeys(INDEX_KEYS, level)
    scores["termination_readiness"] = 3
    scores.update(over)
    return RatingData(n, D0 + datetime.timedelta(days=7 * (n - 1)), rater, scores)
