"""Simulated rating series for calibrating the signals: everyday noise and real dips.

Builders beside tests/factories.py (which would pass 400 lines with them). Each builder
takes a ``random.Random`` so a run is reproducible from its seed; the unit tests use
fixed seeds and the benchmark (tests/benchmarks/bench_calibration.py) many.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable

from partnertrack.insights.series import RatingData
from partnertrack.ratings.factors import INDEX_KEYS

D0 = datetime.date(2026, 1, 5)
SESSIONS = 16
Levels = Callable[[random.Random, int], list[int]]  # (rng, session number) -> five index-factor scores


def clip(score: float) -> int:
    """A whole score on the 0-10 scale."""
    return max(0, min(10, round(score)))


def wobble(width: int = 1, drift: float = 0.0) -> Callable[[random.Random], Levels]:
    """Each factor a steady level (3-8, factors within 1 of each other) plus -width..+width.

    ``drift`` moves every level by that much per session (a slow change, not a dip).
    """

    def make(rng: random.Random) -> Levels:
        """Fix the person's levels, then answer each session around them."""
        level = rng.randint(3, 8)
        per_factor = [level + rng.randint(-1, 1) for _ in INDEX_KEYS]

        def scores(r: random.Random, n: int) -> list[int]:
            """One session: the level, the drift so far (randomly rounded, so it creeps), the wobble."""
            moved = drift * (n - 1)
            return [clip(f + math.floor(moved + r.random()) + r.randint(-width, width)) for f in per_factor]

        return scores

    return make


def ceiling(p_top: float = 0.6) -> Callable[[random.Random], Levels]:
    """A patient who clusters at the top: every factor 10 with ``p_top``, else 9."""

    def make(rng: random.Random) -> Levels:
        """No per-person level to fix: the cluster is the level."""
        return lambda r, n: [10 if r.random() < p_top else 9 for _ in INDEX_KEYS]

    return make


NOISE_MODELS: dict[str, Callable[[random.Random], Levels]] = {
    "wobble -1/0/+1": wobble(1),
    "wobble -2..+2": wobble(2),
    "top cluster 9-10": ceiling(),
    "slow drift down": wobble(1, drift=-0.05),
    "slow drift up": wobble(1, drift=+0.05),
}


def series(
    rng: random.Random, model: Callable[[random.Random], Levels], rater: str = "patient", n: int = SESSIONS
) -> list[RatingData]:
    """``n`` weekly ratings by one party under a noise model (readiness 3 throughout)."""
    levels = model(rng)
    return [_rating(k, rater, levels(rng, k)) for k in range(1, n + 1)]


def with_dip(ratings: list[RatingData], at: int, size: float) -> list[RatingData]:
    """A V-shaped dip: the index ``size`` lower at session ``at``, half as low at the next.

    The fall is spread over the five alliance factors in whole points (the index falls
    by ``size`` exactly when no score meets the 0 floor), on top of the noise.
    """
    out = []
    for r in ratings:
        fall = size if r.session_number == at else size / 2 if r.session_number == at + 1 else 0
        if not fall:
            out.append(r)
            continue
        total = round(fall * len(INDEX_KEYS))
        steps = [total // len(INDEX_KEYS) + (i < total % len(INDEX_KEYS)) for i in range(len(INDEX_KEYS))]
        scores = dict(r.scores)
        for key, step in zip(INDEX_KEYS, steps, strict=True):
            scores[key] = clip((scores[key] or 0) - step)
        out.append(RatingData(r.session_number, r.session_date, r.rater, scores))
    return out


def _rating(n: int, rater: str, five: list[int]) -> RatingData:
    """Session ``n`` (weekly from D0) with the five alliance factors given."""
    scores: dict[str, int | None] = dict(zip(INDEX_KEYS, five, strict=True))
    scores["termination_readiness"] = 3
    return RatingData(n, D0 + datetime.timedelta(days=7 * (n - 1)), rater, scores)
