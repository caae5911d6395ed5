"""Simulated rating series for calibrating the signals: everyday noise and real dips.

Builders beside tests/factories.py (which would pass 400 lines with them). Each builder
takes a ``random.Random`` so a run is reproducible from its seed; the unit tests use
fixed seeds and the benchmark (tests/benchmarks/bench_calibration.py) many.

A noise model makes a ``Rater``: how one person answers each session (their five alliance
factors and their termination readiness) and what their usual alliance index is at each
session, the level a dip is measured from.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from partnertrack.insights.series import RatingData
from partnertrack.ratings.factors import INDEX_KEYS

D0 = datetime.date(2026, 1, 5)
SESSIONS = 16
Answers = Callable[[random.Random, int], list[int]]  # (rng, session number) -> whole scores


@dataclass(frozen=True)
class Rater:
    """One simulated person: their answers per session and their usual alliance index."""

    factors: Answers  # the five alliance factors
    readiness: Answers  # termination readiness, as a one-item list
    usual: Callable[[int], float]  # the expected alliance index at session n, noise left out


@dataclass(frozen=True)
class Dip:
    """A V-shaped dip: the index ``size`` or more below the usual level at ``at``, half at the next."""

    at: int
    size: float


def clip(score: float) -> int:
    """A whole score on the 0-10 scale."""
    return max(0, min(10, round(score)))


def _around(levels: list[int], width: int, drift: float) -> Answers:
    """Scores at ``levels`` moved by the drift so far (rounded at random, so it creeps) and -width..+width."""

    def answer(r: random.Random, n: int) -> list[int]:
        """One session's answers."""
        moved = drift * (n - 1)
        return [clip(f + math.floor(moved + r.random()) + r.randint(-width, width)) for f in levels]

    return answer


def _expected(level: int, width: int, moved: float) -> float:
    """The mean answer of a factor at ``level`` moved so far, over the rounding and the wobble, as clipped to 0-10."""
    low = math.floor(moved)
    up = moved - low  # the chance the drift so far rounds up
    outcomes = [(low, 1 - up), (low + 1, up)]
    wobbles = range(-width, width + 1)
    return math.fsum(p * clip(level + step + w) for step, p in outcomes for w in wobbles) / len(wobbles)


def wobble(width: int = 1, drift: float = 0.0) -> Callable[[random.Random], Rater]:
    """Each factor a steady level (3-8, factors within 1 of each other) plus -width..+width.

    ``drift`` moves every level by that much per session (a slow change, not a dip).
    Readiness has its own steady level of 3-6 (not yet ready to end) and the same wobble, no drift.
    """

    def make(rng: random.Random) -> Rater:
        """Fix the person's levels, then answer each session around them."""
        level = rng.randint(3, 8)
        per_factor = [level + rng.randint(-1, 1) for _ in INDEX_KEYS]
        ready = [rng.randint(3, 6)]
        return Rater(
            _around(per_factor, width, drift),
            _around(ready, width, 0.0),
            lambda n: math.fsum(_expected(f, width, drift * (n - 1)) for f in per_factor) / len(per_factor),
        )

    return make


def ceiling(p_top: float = 0.6) -> Callable[[random.Random], Rater]:
    """A patient who clusters at the top: every factor 10 with ``p_top``, else 9.

    Readiness as the wobble's: a steady 3-6 and -1..+1 (a warm client is not a finished one).
    """

    def make(rng: random.Random) -> Rater:
        """No per-person alliance level to fix: the cluster is the level."""
        ready = [rng.randint(3, 6)]
        usual = 10 * p_top + 9 * (1 - p_top)
        return Rater(
            lambda r, n: [10 if r.random() < p_top else 9 for _ in INDEX_KEYS],
            _around(ready, 1, 0.0),
            lambda n: usual,
        )

    return make


NOISE_MODELS: dict[str, Callable[[random.Random], Rater]] = {
    "wobble -1/0/+1": wobble(1),
    "wobble -2..+2": wobble(2),
    "top cluster 9-10": ceiling(),
    "slow drift down": wobble(1, drift=-0.05),
    "slow drift up": wobble(1, drift=+0.05),
}


def series(
    rng: random.Random,
    model: Callable[[random.Random], Rater],
    rater: str = "patient",
    n: int = SESSIONS,
    dip: Dip | None = None,
) -> list[RatingData]:
    """``n`` weekly ratings by one party under a noise model, with a V-shaped ``dip`` if given."""
    person = model(rng)
    out = []
    for k in range(1, n + 1):
        five = person.factors(rng, k)
        if dip is not None and k in (dip.at, dip.at + 1):
            fall = dip.size if k == dip.at else dip.size / 2
            five = lowered(five, person.usual(k) - fall)
        out.append(_rating(k, rater, five, person.readiness(rng, k)[0]))
    return out


def lowered(five: list[int], target: float) -> list[int]:
    """The session's own answers, lowered a point at a time (highest first) until their mean is at most ``target``.

    A dip of 2 is an index 2 or more below the person's usual level, as rated: lowering
    the answers of the day (not the usual level) keeps the spread across factors, and a
    day that is already low enough stays as it was. The 0 floor of the scale stops it.
    """
    scores = list(five)
    while math.fsum(scores) / len(scores) > target + 1e-9 and any(scores):
        top = max(range(len(scores)), key=lambda i: scores[i])
        scores[top] -= 1
    return scores


def _rating(n: int, rater: str, five: list[int], readiness: int = 3) -> RatingData:
    """Session ``n`` (weekly from D0) with the five alliance factors and readiness given."""
    scores: dict[str, int | None] = dict(zip(INDEX_KEYS, five, strict=True))
    scores["termination_readiness"] = readiness
    return RatingData(n, D0 + datetime.timedelta(days=7 * (n - 1)), rater, scores)
