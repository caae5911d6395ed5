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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from partnertrack.core.roles import ROLES, Role
from partnertrack.insights.rupture_detection import Rupture, find_ruptures
from partnertrack.insights.series import (
    IndexPoint,
    RatingData,
    SessionStatus,
    alliance_indices,
    both_rated,
    by_party,
    index_of,
)
from partnertrack.insights.thresholds import DEFAULT_THRESHOLDS, Thresholds
from partnertrack.ratings.factors import FACTOR_KEYS

ALLIANCE = "alliance_index"  # key of the alliance-index trend beside the factor keys
NOT_ENOUGH_DATA = "not enough data"
# Means of scores such as 7.2, 6.8 and 6.4 are not exact in binary; comparisons at
# a threshold allow this much so that "exactly 1.5 below" is never "more than 1.5".
_EPS = 1e-9
# Two-sided 95% Student t by degrees of freedom: few points need a clearer slope.
_T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}


@dataclass(frozen=True)
class Trend:
    """Least-squares slope per session over a party's last few ratings."""

    slope: float
    label: str  # "improving" | "stable" | "declining" | NOT_ENOUGH_DATA
    n: int


@dataclass(frozen=True)
class Gap:
    """Therapist minus patient on one factor in one session both rated."""

    session_number: int
    factor: str
    therapist: int
    patient: int
    gap: int


@dataclass(frozen=True)
class AllianceGap:
    """Therapist minus patient alliance index in one session both rated."""

    session_number: int
    gap: float

    def blind_spot(self, thresholds: Thresholds) -> bool:
        """The therapist sees the alliance ``gap`` or more better than the patient does.

        The direction matters: patients usually rate higher (Tryon et al. 2007), so a
        therapist well above the patient is the case a therapist is least likely to notice.
        """
        return self.gap >= thresholds.gap - _EPS

    def patient_higher(self, thresholds: Thresholds) -> bool:
        """The patient sees the alliance ``gap`` or more better than the therapist does."""
        return -self.gap >= thresholds.gap - _EPS


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
    alliance_gap: AllianceGap | None = None
    quiet_days: int | None = None  # days without any rating, once that is ``quiet_days`` or more

    def trend_of(self, party: str) -> Trend | None:
        """The party's alliance trend: the one trend line per party that is put into words."""
        return self.trends.get(party, {}).get(ALLIANCE)

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


def trend(points: Sequence[tuple[int, float]], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Trend:
    """Slope of (session_number, value) over the last ``trend_sessions`` points.

    x is the session number, so a session the party skipped widens the step rather
    than being ignored. Fewer than ``trend_min_points`` points give NOT_ENOUGH_DATA.
    A direction is named only when the slope is more than ``trend_slope`` per session
    *and* beyond the person's own scatter around the line: more than the two-sided 95%
    Student t value (n - 2 degrees of freedom) times the slope's standard error. Two
    points, or a zig-zag, never make a trend (docs/clinical.md).
    """
    recent = sorted(points)[-thresholds.trend_sessions :]
    if len(recent) < thresholds.trend_min_points:
        return Trend(0.0, NOT_ENOUGH_DATA, len(recent))
    mean_x = math.fsum(x for x, _ in recent) / len(recent)
    mean_y = math.fsum(y for _, y in recent) / len(recent)
    spread = math.fsum((x - mean_x) ** 2 for x, _ in recent)
    if spread == 0:  # every point in one session: no direction to speak of
        return Trend(0.0, NOT_ENOUGH_DATA, len(recent))
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in recent) / spread
    residual = math.fsum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in recent)
    standard_error = math.sqrt(residual / (len(recent) - 2) / spread)
    beyond_noise = abs(slope) > _T_975.get(len(recent) - 2, 1.96) * standard_error + _EPS
    if slope > thresholds.trend_slope + _EPS and beyond_noise:
        label = "improving"
    elif slope < -thresholds.trend_slope - _EPS and beyond_noise:
        label = "declining"
    else:
        label = "stable"
    return Trend(slope, label, len(recent))


def party_trends(
    ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> dict[str, dict[str, Trend]]:
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


def session_gaps(ratings: Iterable[RatingData]) -> list[Gap]:
    """Every factor gap (therapist minus patient) of the sessions both rated, any size."""
    result = []
    for patient, therapist in both_rated(ratings):
        for key in FACTOR_KEYS:
            p, th = patient.scores.get(key), therapist.scores.get(key)
            if p is not None and th is not None:
                result.append(Gap(patient.session_number, key, th, p, th - p))
    return result


def notable_gaps(ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Gap, ...]:
    """Factor gaps that persist or are large, in the sessions both rated (docs/clinical.md).

    A gap is notable when it is ``gap_single`` or more, or when the factor differs by
    ``gap`` or more in the same direction in this and the ``gap_sessions`` - 1 sessions
    both rated before it. Two people who see the alliance alike, each with their own
    everyday wobble, differ by 3 on some factor in one session now and then; a real
    difference of view comes back.
    """
    per_session: dict[int, dict[str, Gap]] = {}
    for g in session_gaps(ratings):
        per_session.setdefault(g.session_number, {})[g.factor] = g
    numbers = sorted(per_session)
    found = []
    for i, number in enumerate(numbers):
        window = [per_session[n] for n in numbers[max(0, i + 1 - thresholds.gap_sessions) : i + 1]]
        for g in per_session[number].values():
            if abs(g.gap) >= thresholds.gap_single or _persists(g, window, thresholds):
                found.append(g)
    return tuple(found)


def _persists(gap: Gap, window: Sequence[Mapping[str, Gap]], thresholds: Thresholds) -> bool:
    """Every session of a full window has this factor ``gap`` or more apart, the same way round."""
    if len(window) < thresholds.gap_sessions:
        return False
    same_way = [w.get(gap.factor) for w in window]
    return all(g is not None and g.gap * gap.gap > 0 and abs(g.gap) >= thresholds.gap for g in same_way)


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


def ready_to_discuss_ending(ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Both rated termination_readiness >= 7 in each of the last 2 sessions both rated.

    Never before session ``ready_min_sessions`` (default 8): early readiness is the
    hope of a good start, not a sign to talk about ending. Sessions only one party
    rated are skipped, not counted as "not ready": the rule is about agreement.
    """
    pairs = both_rated(ratings)[-thresholds.ready_sessions :]
    if len(pairs) < thresholds.ready_sessions or pairs[-1][0].session_number < thresholds.ready_min_sessions:
        return False
    return all((r.scores.get("termination_readiness") or 0) >= thresholds.ready_score for pair in pairs for r in pair)


def alliance_gap(ratings: Iterable[RatingData]) -> AllianceGap | None:
    """Therapist minus patient alliance index in the latest session both rated, or None."""
    for patient, therapist in reversed(both_rated(ratings)):
        p, th = index_of(patient), index_of(therapist)
        if p is not None and th is not None:
            return AllianceGap(patient.session_number, th - p)
    return None


def days_without_ratings(sessions: Iterable[SessionStatus], today: datetime.date) -> int | None:
    """Days since the latest session anyone rated (None when nobody has rated yet)."""
    rated = [s.session_date for s in sessions if s.rated_by]
    return (today - max(rated)).days if rated else None


def find_forms_owed(
    sessions: Iterable[SessionStatus], today: datetime.date, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[FormOwed, ...]:
    """Ratings missing from sessions more than ``form_owed_days`` days before ``today``.

    With the default 1, yesterday's session is not owed yet; the day before's is.
    ``today`` is an argument so the rule is testable and never reads the clock.
    """
    owed = []
    for s in sorted(sessions, key=lambda s: s.session_number):
        if (today - s.session_date).days > thresholds.form_owed_days:
            owed.extend(FormOwed(s.session_number, s.session_date, role) for role in ROLES if role not in s.rated_by)
    return tuple(owed)


def analyse(
    ratings: Sequence[RatingData],
    sessions: Sequence[SessionStatus],
    today: datetime.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Signals:
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
        alliance_gap=alliance_gap(ratings),
        quiet_days=_quiet(sessions, today, thresholds),
    )


def _quiet(sessions: Sequence[SessionStatus], today: datetime.date, thresholds: Thresholds) -> int | None:
    """Days without ratings when they reach ``quiet_days`` (a partnership gone quiet), else None."""
    days = days_without_ratings(sessions, today)
    return days if days is not None and days >= thresholds.quiet_days else None


def needs_attention_score(signals: Signals, client: str = Role.PATIENT) -> tuple[int, ...]:
    """Sort key for a caseload: ``sorted(..., key=...)`` puts most in need first.

    Attention follows the client: their ratings predict dropout, so the client's open
    ruptures and declining trend come before the therapist's. Then forms owed, a
    partnership gone quiet, a blind-spot gap, and readiness to discuss ending. Counts
    are negated so that more of a concern sorts earlier.
    """
    open_ = signals.open_ruptures
    declining = {party for party in signals.trends if (tr := signals.trend_of(party)) and tr.label == "declining"}
    gap = signals.alliance_gap
    return (
        -sum(r.party == client for r in open_),
        -int(client in declining),
        -sum(r.party != client for r in open_),
        -len(declining - {client}),
        -len(signals.forms_owed),
        -int(signals.quiet_days is not None),
        -int(gap is not None and gap.blind_spot(signals.thresholds)),
        -int(signals.ready_to_end),
    )


# Callers import the series types and the rupture rule from here, beside the signals.
__all__ = [
    "ALLIANCE",
    "AllianceGap",
    "alliance_gap",
    "days_without_ratings",
    "DEFAULT_THRESHOLDS",
    "NOT_ENOUGH_DATA",
    "FormOwed",
    "Gap",
    "IndexPoint",
    "RatingData",
    "Rupture",
    "SessionStatus",
    "Signals",
    "Thresholds",
    "Trend",
    "alliance_indices",
    "analyse",
    "both_rated",
    "by_party",
    "find_forms_owed",
    "find_ruptures",
    "index_of",
    "largest_gap",
    "needs_attention_score",
    "notable_gaps",
    "party_trends",
    "ready_to_discuss_ending",
    "session_gaps",
    "trend",
]
