"""Signals to talk about, computed from the ratings a viewer may see (pure).

The caller applies the reveal rule first and passes only visible ratings, so a
session may carry one party's rating or both. Nothing here reads a clock, a
database or Flask config: ``today`` and ``Thresholds`` come in as arguments.
The defaults are starting points (docs/clinical.md), not validated clinical
cut-offs; every sentence this module writes is a prompt for conversation.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from partnertrack.core.roles import ROLES, Role

# Also imported from here by callers: the thresholds belong with the signals they tune.
from partnertrack.insights.thresholds import DEFAULT_THRESHOLDS, Thresholds
from partnertrack.ratings.factors import BY_KEY, FACTOR_KEYS, alliance_index

ALLIANCE = "alliance_index"  # key of the alliance-index trend beside the factor keys
NOT_ENOUGH_DATA = "not enough data"
# Means of scores such as 7.2, 6.8 and 6.4 are not exact in binary; comparisons at
# a threshold allow this much so that "exactly 1.5 below" is never "more than 1.5".
_EPS = 1e-9


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


@dataclass(frozen=True)
class Trend:
    """Least-squares slope per session over a party's last few ratings."""

    slope: float
    label: str  # "improving" | "stable" | "declining" | NOT_ENOUGH_DATA
    n: int


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


@dataclass(frozen=True)
class Gap:
    """Therapist minus patient on one factor in one session both rated."""

    session_number: int
    factor: str
    therapist: int
    patient: int
    gap: int


@dataclass(frozen=True)
class FormOwed:
    """A session one party has not rated although it is old enough to expect it."""

    session_number: int
    session_date: datetime.date
    party: str


@dataclass(frozen=True)
class Signals:
    """Everything ``analyse`` finds; trends[party][key] with key a factor or ALLIANCE."""

    indices: tuple[IndexPoint, ...]
    trends: Mapping[str, Mapping[str, Trend]]
    ruptures: tuple[Rupture, ...]
    gaps: tuple[Gap, ...]
    largest_gap: Gap | None
    ready_to_end: bool
    forms_owed: tuple[FormOwed, ...]
    thresholds: Thresholds = field(default=DEFAULT_THRESHOLDS)

    @property
    def open_ruptures(self) -> tuple[Rupture, ...]:
        """Ruptures no later session has repaired yet."""
        return tuple(r for r in self.ruptures if r.is_open)

    @property
    def latest_gaps(self) -> tuple[Gap, ...]:
        """Notable gaps of the latest session both rated (the ones still current)."""
        if self.largest_gap is None:
            return ()
        return tuple(g for g in self.gaps if g.session_number == self.largest_gap.session_number)


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
    return [(pair[Role.PATIENT], pair[Role.THERAPIST]) for _, pair in sorted(seen.items())
            if Role.PATIENT in pair and Role.THERAPIST in pair]


def index_of(rating: RatingData) -> float | None:
    """The alliance index of one rating (factors.alliance_index over its scores)."""
    return alliance_index(dict(rating.scores))


def alliance_indices(ratings: Iterable[RatingData]) -> tuple[IndexPoint, ...]:
    """The alliance index of every rating, ordered by session then rater."""
    points = [IndexPoint(r.session_number, r.rater, index_of(r)) for r in ratings]
    return tuple(sorted(points, key=lambda p: (p.session_number, p.rater)))


def trend(points: Sequence[tuple[int, float]], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Trend:
    """Slope of (session_number, value) over the last ``trend_sessions`` points.

    x is the session number, so a session the party skipped widens the step
    rather than being ignored. Fewer than two points give slope 0 and the label
    NOT_ENOUGH_DATA: calling one rating "stable" would claim more than we know.
    A slope of exactly +/-trend_slope is "stable" (the rule says "more than").
    """
    recent = sorted(points)[-thresholds.trend_sessions:]
    if len(recent) < 2:
        return Trend(0.0, NOT_ENOUGH_DATA, len(recent))
    mean_x = math.fsum(x for x, _ in recent) / len(recent)
    mean_y = math.fsum(y for _, y in recent) / len(recent)
    spread = math.fsum((x - mean_x) ** 2 for x, _ in recent)
    if spread == 0:  # every point in one session: no direction to speak of
        return Trend(0.0, NOT_ENOUGH_DATA, len(recent))
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in recent) / spread
    if slope > thresholds.trend_slope + _EPS:
        label = "improving"
    elif slope < -thresholds.trend_slope - _EPS:
        label = "declining"
    else:
        label = "stable"
    return Trend(slope, label, len(recent))


def party_trends(ratings: Iterable[RatingData],
                 thresholds: Thresholds = DEFAULT_THRESHOLDS) -> dict[str, dict[str, Trend]]:
    """trends[party][key] for each factor and ALLIANCE; unrated (None) scores are skipped."""
    result: dict[str, dict[str, Trend]] = {}
    for party, series in by_party(ratings).items():
        per_key: dict[str, Trend] = {}
        for key in FACTOR_KEYS:
            points = [(r.session_number, r.scores.get(key)) for r in series]
            per_key[key] = trend([(x, y) for x, y in points if y is not None], thresholds)
        index_points = [(r.session_number, index_of(r)) for r in series]
        per_key[ALLIANCE] = trend([(x, y) for x, y in index_points if y is not None], thresholds)
        result[party] = per_key
    return result


def find_ruptures(ratings: Iterable[RatingData],
                  thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Rupture, ...]:
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
            found[open_at] = replace(opened, repaired_at=rating.session_number,
                                     sessions_to_repair=rating.session_number - opened.session_number)
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


def _judge(party: str, rated: Sequence[tuple[RatingData, float]], pos: int,
           t: Thresholds) -> Rupture | None:
    """The rupture the rating at ``pos`` would open on its own, or None."""
    rating, index = rated[pos]
    earlier = [i for _, i in rated[:pos]]
    baseline = statistics.fmean(earlier[-t.rupture_baseline_sessions:])
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
    return Rupture(party=party, session_number=rating.session_number, index=index,
                   baseline=baseline, drop=drop, threshold=threshold, strong=strong,
                   reasons=tuple(reasons), sd_based=sd_based)


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


def _factor_reasons(previous: Mapping[str, int | None], current: Mapping[str, int | None],
                    t: Thresholds) -> list[str]:
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


def session_gaps(ratings: Iterable[RatingData]) -> list[Gap]:
    """Every factor gap (therapist minus patient) of the sessions both rated, any size."""
    result = []
    for patient, therapist in both_rated(ratings):
        for key in FACTOR_KEYS:
            p, th = patient.scores.get(key), therapist.scores.get(key)
            if p is not None and th is not None:
                result.append(Gap(patient.session_number, key, th, p, th - p))
    return result


def notable_gaps(ratings: Iterable[RatingData],
                 thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Gap, ...]:
    """Gaps with |therapist - patient| >= ``gap``, only in sessions both rated."""
    return tuple(g for g in session_gaps(ratings) if abs(g.gap) >= thresholds.gap)


def largest_gap(ratings: Iterable[RatingData]) -> Gap | None:
    """The widest factor gap of the latest session both rated, whatever its size.

    Ties go to the factor listed first in FACTORS. None when no session has both
    ratings or the two agree on every factor; callers decide whether it is notable.
    """
    gaps = session_gaps(ratings)
    if not gaps:
        return None
    latest = [g for g in gaps if g.session_number == gaps[-1].session_number]
    widest = max(latest, key=lambda g: abs(g.gap))  # max keeps the first of equals
    return widest if widest.gap != 0 else None


def ready_to_discuss_ending(ratings: Iterable[RatingData],
                            thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Both rated termination_readiness >= 7 in each of the last 2 sessions both rated.

    Sessions only one party rated are skipped, not counted as "not ready": the
    rule is about agreement, which needs both answers.
    """
    pairs = both_rated(ratings)[-thresholds.ready_sessions:]
    if len(pairs) < thresholds.ready_sessions:
        return False
    return all((r.scores.get("termination_readiness") or 0) >= thresholds.ready_score
               for pair in pairs for r in pair)


def find_forms_owed(sessions: Iterable[SessionStatus], today: datetime.date,
                    thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[FormOwed, ...]:
    """Ratings missing from sessions more than ``form_owed_days`` days before ``today``.

    With the default 1, yesterday's session is not owed yet; the day before's is.
    ``today`` is an argument so the rule is testable and never reads the clock.
    """
    owed = []
    for s in sorted(sessions, key=lambda s: s.session_number):
        if (today - s.session_date).days > thresholds.form_owed_days:
            owed.extend(FormOwed(s.session_number, s.session_date, role)
                        for role in ROLES if role not in s.rated_by)
    return tuple(owed)


def analyse(ratings: Sequence[RatingData], sessions: Sequence[SessionStatus],
            today: datetime.date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Signals:
    """All signals of one partnership from the ratings the viewer may see."""
    return Signals(
        indices=alliance_indices(ratings),
        trends=party_trends(ratings, thresholds),
        ruptures=find_ruptures(ratings, thresholds),
        gaps=notable_gaps(ratings, thresholds),
        largest_gap=largest_gap(ratings),
        ready_to_end=ready_to_discuss_ending(ratings, thresholds),
        forms_owed=find_forms_owed(sessions, today, thresholds),
        thresholds=thresholds,
    )


def needs_attention_score(signals: Signals) -> tuple[int, ...]:
    """Sort key for a caseload: ``sorted(..., key=...)`` puts most in need first.

    Order of concern: open ruptures (strong ones first among equals), declining
    alliance trends, declining factor trends, forms owed, notable gaps in the
    latest session both rated, then ready to discuss ending. Counts are negated
    so that more of a concern sorts earlier.
    """
    open_ = signals.open_ruptures
    declining = [key for per in signals.trends.values() for key, tr in per.items()
                 if tr.label == "declining"]
    return (
        -len(open_),
        -sum(r.strong for r in open_),
        -declining.count(ALLIANCE),
        -(len(declining) - declining.count(ALLIANCE)),
        -len(signals.forms_owed),
        -len(signals.latest_gaps),
        -int(signals.ready_to_end),
    )
