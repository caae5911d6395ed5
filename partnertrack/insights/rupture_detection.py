"""Possible ruptures and their repair, each judged against the party's own history (pure).

The rules and their defaults are described in docs/clinical.md; the thresholds come in as an
argument, so nothing here reads configuration.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from partnertrack.insights.series import RatingData, by_party, index_of
from partnertrack.insights.thresholds import DEFAULT_THRESHOLDS, Thresholds
from partnertrack.ratings.factors import BY_KEY, FACTOR_KEYS

# Means of scores such as 7.2, 6.8 and 6.4 are not exact in binary; comparisons at
# a threshold allow this much so that "exactly 1.5 below" is never "more than 1.5".
_EPS = 1e-9


@dataclass(frozen=True)
class Rupture:
    """A possible rupture in one party's ratings, and its repair if one followed."""

    party: str
    session_number: int
    index: float
    baseline: float
    drop: float
    threshold: float
    strong: bool
    reasons: tuple[str, ...]
    repaired_at: int | None = None
    sessions_to_repair: int | None = None
    sd_based: bool = False
    absorbed: tuple[int, ...] = ()  # later low sessions counted as part of this dip

    @property
    def is_open(self) -> bool:
        """True while no later session has brought the index back near the baseline."""
        return self.repaired_at is None


def find_ruptures(ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Rupture, ...]:
    """Possible ruptures of both parties, each judged against that party's own history.

    Rules (docs/clinical.md, with the choices made where it leaves them open):
    - A party's first rating is never judged: a rupture is a change from how the
      partnership usually goes, and the first rating has nothing to compare with.
    - baseline = mean index of the party's previous up to 3 ratings.
    - The SD threshold applies once the party has at least 5 *earlier* ratings
      (so the SD is taken over at least 4 session-to-session changes, all before
      the rating judged): threshold = max(1.0, sample SD of those changes).
      Before that the threshold is a fixed 1.5. drop > threshold is a rupture.
    - strong: SD-based and drop > 2 x threshold; the 1.0 floor therefore also
      keeps a near-zero SD from marking every small dip as strong.
    - Also a rupture: any factor 3+ lower than in the party's previous rating,
      or rupture_repair <= 4 (None, "nothing felt off", never counts).
    - Repaired at the first later rating whose index is at least baseline - 0.5.
    - One dip, one rupture: while a rupture is open, later ratings that would
      trigger one are recorded in its ``absorbed`` instead. A rating that repairs
      an open rupture is still judged afresh, so a low rupture_repair answer in
      the repairing session is not lost.
    """
    found: list[Rupture] = []
    for party, series in by_party(ratings).items():
        found.extend(_party_ruptures(party, series, thresholds))
    return tuple(sorted(found, key=lambda r: (r.session_number, r.party)))


def _party_ruptures(party: str, series: Sequence[RatingData], t: Thresholds) -> list[Rupture]:
    """Walk one party's ratings in order, opening, absorbing and repairing ruptures."""
    rated = [(r, i) for r in series if (i := index_of(r)) is not None]
    found: list[Rupture] = []
    open_at: int | None = None
    for pos in range(1, len(rated)):
        rating, index = rated[pos]
        if open_at is not None and index >= found[open_at].baseline - t.repair_within - _EPS:
            opened = found[open_at]
            found[open_at] = replace(
                opened,
                repaired_at=rating.session_number,
                sessions_to_repair=rating.session_number - opened.session_number,
            )
            open_at = None
        candidate = _judge(party, rated, pos, t)
        if candidate is None:
            continue
        if open_at is None:
            found.append(candidate)
            open_at = len(found) - 1
        else:
            opened = found[open_at]
            found[open_at] = replace(opened, absorbed=opened.absorbed + (rating.session_number,))
    return found


def _judge(party: str, rated: Sequence[tuple[RatingData, float]], pos: int, t: Thresholds) -> Rupture | None:
    """The rupture the rating at ``pos`` would open on its own, or None."""
    rating, index = rated[pos]
    earlier = [i for _, i in rated[:pos]]
    baseline = statistics.fmean(earlier[-t.rupture_baseline_sessions :])
    drop = baseline - index
    threshold, sd_based = _threshold(earlier, t)
    reasons: list[str] = []
    by_index = drop > threshold + _EPS
    if by_index:
        reasons.append(f"alliance index {index:.1f}, {drop:.1f} below the usual {baseline:.1f}")
    reasons.extend(_factor_reasons(rated[pos - 1][0].scores, rating.scores, t))
    if not reasons:
        return None
    strong = by_index and sd_based and drop > t.rupture_strong_sd * threshold + _EPS
    return Rupture(
        party=party,
        session_number=rating.session_number,
        index=index,
        baseline=baseline,
        drop=drop,
        threshold=threshold,
        strong=strong,
        reasons=tuple(reasons),
        sd_based=sd_based,
    )


def _threshold(earlier: Sequence[float], t: Thresholds) -> tuple[float, bool]:
    """(threshold, sd_based) for a rating preceded by the indices ``earlier``."""
    if len(earlier) < t.rupture_min_ratings_for_sd:
        return t.rupture_fixed_drop, False
    changes = [b - a for a, b in pairwise(earlier)]
    return max(t.rupture_min_sd_drop, _sample_sd(changes)), True


def _sample_sd(values: Sequence[float]) -> float:
    """Sample (n - 1) standard deviation in floats.

    statistics.stdev computes exactly with fractions: four times slower over a
    200-session partnership (35 ms against 8), and float precision is ample here.
    """
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _factor_reasons(previous: Mapping[str, int | None], current: Mapping[str, int | None], t: Thresholds) -> list[str]:
    """Factor drops of 3+ since the party's previous rating, and a low rupture_repair."""
    reasons = []
    for key in FACTOR_KEYS:
        before, now = previous.get(key), current.get(key)
        if before is not None and now is not None and before - now >= t.factor_drop:
            reasons.append(f"{BY_KEY[key].name.lower()} dropped {before - now} points")
    repair = current.get("rupture_repair")
    if repair is not None and repair <= t.rupture_repair_low:
        reasons.append(f"rupture repair rated {repair}")
    return reasons
