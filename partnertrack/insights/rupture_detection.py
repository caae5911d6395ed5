"""Possible ruptures and their repair, each judged against the party's own usual level (pure).

The rules, their literature basis and the figures of the calibration that chose the
defaults are in docs/clinical.md; the thresholds come in as an argument, so nothing
here reads configuration. tests/benchmarks/bench_calibration.py measures them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from partnertrack.core.phrase import Phrase, decimal
from partnertrack.insights.series import RatingData, by_party, index_of
from partnertrack.insights.thresholds import DEFAULT_THRESHOLDS, Thresholds

# Means of scores such as 7.2, 6.8 and 6.4 are not exact in binary; comparisons at
# a threshold allow this much so that "exactly 1.2 below" counts as 1.2 below.
_EPS = 1e-9


@dataclass(frozen=True)
class Rupture:
    """A possible rupture in one party's ratings, and its repair if one followed."""

    party: str
    session_number: int
    index: float
    baseline: float
    drop: float
    threshold: float  # the index rule's threshold; a sharp fall (docs/clinical.md) may open a rupture below it
    strong: bool  # always False: the calibrated rule does not grade ruptures (docs/clinical.md)
    reasons: tuple[str, ...]
    repaired_at: int | None = None
    sessions_to_repair: int | None = None
    sd_based: bool = False  # the person's own spread set the threshold, not the floor
    absorbed: tuple[int, ...] = ()  # later low sessions counted as part of this dip
    kinds: tuple[str, ...] = ()  # "index", "ceiling", "self_report"

    @property
    def is_open(self) -> bool:
        """True while no later session has brought the index back near the baseline."""
        return self.repaired_at is None


@dataclass
class _Usual:
    """The ratings of one party that were not part of a dip: their usual level and spread."""

    indices: list[float]
    scores: list[Mapping[str, int | None]]

    def baseline(self, t: Thresholds) -> float:
        """Mean index of the last ``rupture_baseline_sessions`` usual ratings."""
        recent = self.indices[-t.rupture_baseline_sessions :]
        return math.fsum(recent) / len(recent)

    def factor_baseline(self, key: str, t: Thresholds) -> float | None:
        """Mean of one factor over the same recent usual ratings (None when never rated)."""
        values = [s[key] for s in self.scores[-t.rupture_baseline_sessions :] if s.get(key) is not None]
        return math.fsum(values) / len(values) if values else None


def find_ruptures(ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Rupture, ...]:
    """Possible ruptures of both parties, each judged against that party's own usual level.

    Rules (docs/clinical.md, "Possible rupture"):
    - Nothing is judged until the party has ``rupture_min_baseline`` usual ratings: a
      rupture is a change from how the partnership usually goes.
    - Index rule (reliable change, Jacobson & Truax 1991, with the person's own spread):
      baseline = mean of their last up to ``rupture_baseline_sessions`` usual indices;
      a drop of at least max(floor, z x SD x sqrt(1 + 1/n)) is a possible rupture, SD
      being the sample SD of their usual indices (the last ``rupture_spread_sessions``),
      the z x SD figure capped at ``rupture_steady_drop`` for a steady party.
    - Sharp-fall rule (the left arm of a V): a steady party's index at least
      ``rupture_sharp_floor`` below the usual level and ``rupture_sharp_drop`` below their
      last usual rating.
    - Ceiling rule: a party whose baseline is ``ceiling_level`` or more (a patient who
      usually gives top scores) is prompted by a fall of ``ceiling_drop`` (one point),
      as the Session Rating Scale flags any fall from a top score.
    - Self-report rule: rupture_repair answered ``rupture_repair_low`` or less (something
      felt off and it is not settled), and ``rupture_repair_below`` or more below their usual
      answer if they have one. No rule looks at one factor's change alone: a single item
      moves by 3 on everyday noise (docs/clinical.md has the figures).
    - Repaired at the first later rating whose index is at least baseline - repair_within.
    - One dip, one rupture: while a rupture is open, later low ratings are absorbed into
      it; flagged and absorbed ratings never enter the usual level.
    """
    found: list[Rupture] = []
    for party, series in by_party(ratings).items():
        found.extend(_party_ruptures(party, series, thresholds))
    return tuple(sorted(found, key=lambda r: (r.session_number, r.party)))


def _party_ruptures(party: str, series: Sequence[RatingData], t: Thresholds) -> list[Rupture]:
    """Walk one party's ratings in order, opening, absorbing and repairing ruptures."""
    usual = _Usual([], [])
    found: list[Rupture] = []
    open_at: int | None = None
    for rating in series:
        index = index_of(rating)
        if index is None:
            continue
        if open_at is not None and index >= found[open_at].baseline - t.repair_within - _EPS:
            opened = found[open_at]
            took = rating.session_number - opened.session_number
            found[open_at] = replace(opened, repaired_at=rating.session_number, sessions_to_repair=took)
            open_at = None
        candidate = _judge(party, rating, index, usual, t) if len(usual.indices) >= t.rupture_min_baseline else None
        if candidate is None:
            if open_at is None:
                usual.indices.append(index)
                usual.scores.append(rating.scores)
            continue
        if open_at is None:
            found.append(candidate)
            open_at = len(found) - 1
        else:
            opened = found[open_at]
            found[open_at] = replace(opened, absorbed=opened.absorbed + (rating.session_number,))
    return found


def _judge(party: str, rating: RatingData, index: float, usual: _Usual, t: Thresholds) -> Rupture | None:
    """The rupture this rating would open on its own, or None."""
    baseline = usual.baseline(t)
    drop = baseline - index
    threshold, sd_based = index_threshold(usual.indices, t)
    kinds: list[str] = []
    reasons: list[str] = []
    if baseline >= t.ceiling_level - _EPS and drop >= t.ceiling_drop - _EPS:
        kinds.append("ceiling")
        reasons.append(
            Phrase("%(drop)s below a usual top level of %(baseline)s", drop=decimal(drop), baseline=decimal(baseline))
        )
    elif drop >= threshold - _EPS or _sharp(drop, usual.indices[-1] - index, usual.indices, t):
        kinds.append("index")
        reasons.append(Phrase("%(drop)s below the usual %(baseline)s", drop=decimal(drop), baseline=decimal(baseline)))
    if _self_reported(rating, usual, t):
        kinds.append("self_report")
        reasons.append(
            Phrase("something felt off and feels unsettled (%(score)s of 10)", score=rating.scores["rupture_repair"])
        )
    if not kinds:
        return None
    return Rupture(
        party=party,
        session_number=rating.session_number,
        index=index,
        baseline=baseline,
        drop=drop,
        threshold=threshold,
        strong=False,
        reasons=tuple(reasons),
        sd_based=sd_based,
        kinds=tuple(kinds),
    )


def _sharp(drop: float, from_last: float, usual: Sequence[float], t: Thresholds) -> bool:
    """The left arm of a V from a steady level: a fall below the usual level that is steep from the last usual rating.

    Both references must agree (docs/clinical.md): ``drop`` at least ``rupture_sharp_floor``
    below the usual level and ``from_last`` at least ``rupture_sharp_drop`` below the last
    usual rating, for a party whose usual spread is at most ``rupture_sharp_sd``. A slow
    drift falls a little each session, never steeply from the session before.
    """
    if _sample_sd(usual[-t.rupture_spread_sessions :]) > t.rupture_sharp_sd + _EPS:
        return False
    return drop >= t.rupture_sharp_floor - _EPS and from_last >= t.rupture_sharp_drop - _EPS


def _self_reported(rating: RatingData, usual: _Usual, t: Thresholds) -> bool:
    """rupture_repair low (unsettled), and clearly below the party's own usual answer."""
    answer = rating.scores.get("rupture_repair")
    if answer is None or answer > t.rupture_repair_low:
        return False
    before = usual.factor_baseline("rupture_repair", t)
    return before is None or before - answer >= t.rupture_repair_below - _EPS


def index_threshold(usual: Sequence[float], t: Thresholds) -> tuple[float, bool]:
    """(threshold, sd_based): the reliable-change drop for a party with these usual indices.

    z x SD x sqrt(1 + 1/n): the standard error of the difference between one new
    rating and the mean of n earlier ones, with the person's own SD standing in for
    the scale's error of measurement (Jacobson & Truax 1991 with an individual SD; z 2.58, the 99% level,
    because a 16-session series is judged 13 times). For a steady party (SD at most
    ``rupture_steady_sd``) the figure is capped at ``rupture_steady_drop``: an SD from 3 to 8
    ratings is itself uncertain, and one lively session must not hide a 2-point dip.
    The floor ``rupture_floor`` applies last.
    """
    n = min(len(usual), t.rupture_baseline_sessions)
    spread = _sample_sd(usual[-t.rupture_spread_sessions :])
    reliable = t.rupture_z * spread * math.sqrt(1 + 1 / n)
    if spread <= t.rupture_steady_sd + _EPS:
        reliable = min(reliable, t.rupture_steady_drop)
    if reliable > t.rupture_floor:
        return reliable, True
    return t.rupture_floor, False


def _sample_sd(values: Sequence[float]) -> float:
    """Sample (n - 1) standard deviation in floats; 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))
