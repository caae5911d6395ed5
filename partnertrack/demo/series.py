"""A believable, deterministic course of therapy for the demo and the benchmarks (pure).

The shape, scaled to any number of sessions: the alliance builds slowly; a
V-shaped rupture a little before half-way (sessions 7-9 of the 16-session demo) dips for two
sessions, mostly in the patient's ratings, and is repaired; in some early
sessions the therapist rates responsiveness about 3 higher than the patient;
termination readiness stays low, then rises over the last quarter. The same
seed always gives the same series, so a demo database and a benchmark can be
rebuilt exactly.
"""

from __future__ import annotations

import datetime
import random
from typing import NamedTuple

from partnertrack.core.roles import ROLES, Role
from partnertrack.insights.signals import RatingData
from partnertrack.ratings.factors import FACTOR_KEYS, SCORE_MAX, SCORE_MIN

DEMO_START = datetime.date(2025, 1, 6)  # only synthetic_ratings uses it; the CLI anchors its own
GOAL_TITLES = ("Sleep through the night", "Go back to work part-time", "Call my sister weekly")


class DemoSession(NamedTuple):
    """One session: days after the first session, scores and comments per role.

    A NamedTuple rather than a dataclass so callers can unpack it as the plain
    triple (offset_days, scores_by_role, comments_by_role).
    """

    offset_days: int
    scores: dict[str, dict[str, int | None]]
    comments: dict[str, str]


def dip_sessions(n_sessions: int) -> tuple[int, int, int]:
    """1-based (first low, second low, repaired) sessions; (7, 8, 9) for the 16-session demo."""
    first = max(2, round(n_sessions * 7 / 16))
    return first, first + 1, first + 2


def demo_sessions(n_sessions: int = 12, seed: int = 0) -> list[DemoSession]:
    """``n_sessions`` weekly sessions (offsets 0, 7, 14 ... with a day's jitter)."""
    rng = random.Random(seed)
    first_low, second_low, repaired = dip_sessions(n_sessions)
    has_dip = n_sessions >= 4
    sessions = []
    for number in range(1, n_sessions + 1):
        progress = (number - 1) / max(1, n_sessions - 1)
        dip = 0.0
        if has_dip and number in (first_low, second_low):
            dip = 3.5 if number == first_low else 2.0
        scores = {role: _scores(rng, role, number, progress, dip) for role in ROLES}
        # Early on the therapist sees about 3 more responsiveness than the patient
        # does; the view converges gently, so the fade itself never looks like a drop.
        boost = _responsiveness_boost(number, n_sessions)
        if boost:
            patient = scores[Role.PATIENT]["responsiveness"] or 0
            scores[Role.THERAPIST]["responsiveness"] = _clamp(patient + boost)
        if has_dip and number == repaired:
            scores[Role.PATIENT]["rupture_repair"] = 8
            scores[Role.THERAPIST]["rupture_repair"] = 8
        offset = 7 * (number - 1) + (rng.choice((-1, 0, 0, 1)) if number > 1 else 0)
        sessions.append(DemoSession(offset, scores, _comments(number, first_low, repaired, has_dip)))
    return sessions


def _responsiveness_boost(number: int, n_sessions: int) -> int:
    """How many points higher the therapist rates responsiveness: 3 early, then 2, 1, 0."""
    plateau = max(3, round(n_sessions * 0.25))
    if number < 2:
        return 0
    return max(0, 3 - max(0, number - plateau))


def _scores(rng: random.Random, role: str, number: int, progress: float, dip: float) -> dict[str, int | None]:
    """One party's six scores for one session."""
    level = 5.5 + 2.5 * progress + (0.3 if role == Role.PATIENT else 0.0)
    felt = dip if role == Role.PATIENT else dip / 2  # the therapist notices the dip less
    scores: dict[str, int | None] = {}
    for key in FACTOR_KEYS:
        drop = felt * (1.3 if key in ("responsiveness", "feedback") else 1.0)
        scores[key] = _clamp(level - drop + rng.uniform(-0.7, 0.7))
    if dip:
        scores["rupture_repair"] = 3 if role == Role.PATIENT else 5
    elif rng.random() < 0.6:
        scores["rupture_repair"] = None  # "nothing felt off this session"
    late = max(0.0, (progress - 0.75) / 0.25)
    scores["termination_readiness"] = _clamp(2 + 2 * progress + 5 * late + rng.uniform(-0.6, 0.6))
    return scores


def _comments(number: int, first_low: int, repaired: int, has_dip: bool) -> dict[str, str]:
    """A few comments where a real couple of raters would write one."""
    if has_dip and number == first_low:
        return {
            Role.PATIENT: "Felt rushed today; I didn't feel heard about work.",
            Role.THERAPIST: "Session felt flat; I may have pushed the homework too hard.",
        }
    if has_dip and number == repaired:
        return {
            Role.PATIENT: "We talked about last time. That helped.",
            Role.THERAPIST: "We named what went wrong two weeks ago and repaired it.",
        }
    return {}


def _clamp(value: float) -> int:
    """Round to a whole score within 0-10."""
    return int(min(SCORE_MAX, max(SCORE_MIN, round(value))))


def demo_goals(n_sessions: int = 12, seed: int = 0) -> list[tuple[str, list[tuple[int, str, int]]]]:
    """(title, [(session_number, rater, progress)]) for three goals rising at their own pace."""
    rng = random.Random(seed + 1)
    goals = []
    for i, title in enumerate(GOAL_TITLES):
        start = 1 + i * max(1, n_sessions // 6)  # later goals are added later in therapy
        points = []
        for number in range(start, n_sessions + 1):
            base = 1 + 8 * (number - start) / max(1, n_sessions - start) * (1 - 0.25 * i)
            for role in ROLES:
                points.append((number, role, _clamp(base + rng.uniform(-1, 1))))
        goals.append((title, points))
    return goals


def synthetic_ratings(n_sessions: int, seed: int = 0) -> list[RatingData]:
    """``demo_sessions`` as RatingData (both parties, all revealed) from DEMO_START."""
    ratings = []
    for number, session in enumerate(demo_sessions(n_sessions, seed), start=1):
        date = DEMO_START + datetime.timedelta(days=session.offset_days)
        for role in ROLES:
            ratings.append(RatingData(number, date, role, session.scores[role], session.comments.get(role, "")))
    return ratings
