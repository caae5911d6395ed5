"""Turning what a viewer may see into signals and chart data (no rendering here)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from flask import current_app

from partnertrack.core.clock import today
from partnertrack.core.memo import Memo
from partnertrack.goals.service import goals_and_progress
from partnertrack.insights import chart_data, chart_model
from partnertrack.insights.alliance_data import alliance
from partnertrack.insights.signals import (
    RatingData,
    SessionStatus,
    Signals,
    Thresholds,
    analyse,
)
from partnertrack.insights.wording import describe
from partnertrack.models import Partnership
from partnertrack.ratings.reveal import SessionView

PARTNERSHIP_CHARTS = ("alliance", "factors", "gaps", "readiness", "goals")
CHART_TITLE_MAX = 90  # a legend entry wraps (insights/charts.py); only a very long goal is cut


def rating_data(timeline: Sequence[SessionView]) -> list[RatingData]:
    """The ratings the viewer may see, as the signals module takes them."""
    return [RatingData(v.number, v.date, r.rater, r.scores, r.comment) for v in timeline for r in v.visible]


def thresholds() -> Thresholds:
    """Signal thresholds from the app configuration (SIGNAL_* keys)."""
    return Thresholds.from_mapping(current_app.config)


_MEMO: OrderedDict[str, Signals] = OrderedDict()
_MEMO_SIZE = 4096


def signals_of(timeline: Sequence[SessionView], *, scope: tuple[int, str]) -> Signals:
    """Every signal of one partnership, from what the viewer may see; ``scope`` is (partnership id, role).

    Memoised per process by a hash of exactly what the analysis reads (the
    visible sessions, today's date, the thresholds): a dashboard re-analysing 40
    unchanged partnerships on every load spent most of its time here, and a
    content key can never serve a stale result. The key starts with the scope:
    a memo shared by content would let a copied partnership time a hidden rating
    (docs/architecture.md, "Caches"). The partnership page asks only when its alliance
    chart's data is not kept already (``partnership_charts``).
    """
    limits, day = thresholds(), today()
    key = hashlib.blake2b(repr((scope, day, limits, tuple(timeline))).encode(), digest_size=16).hexdigest()
    found = _MEMO.get(key)
    if found is not None:
        _MEMO.move_to_end(key)
        return found
    statuses = [SessionStatus(v.number, v.date, v.rated_by) for v in timeline]
    result = analyse(rating_data(timeline), statuses, day, limits)
    _MEMO[key] = result
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return result


def sentences(signals: Signals, role: str) -> list[str]:
    """The signals worded for ``role`` as things to talk about."""
    return describe(signals, role)


def _chart_title(text: str) -> str:
    """A goal's text shortened for a chart legend."""
    return text if len(text) <= CHART_TITLE_MAX else text[: CHART_TITLE_MAX - 1].rstrip() + "…"


def goal_series(partnership: Partnership, viewer_role: str) -> list[chart_model.GoalSeries]:
    """Goal progress for the goal-progress chart, as ``viewer_role`` may see it.

    One series per goal that is active or has visible progress (a dropped goal
    nobody rated is left out), in the order the goals were set. A partner's
    progress on a session shows only once that session is revealed.
    """
    goals, points = goals_and_progress(partnership, viewer_role)
    by_goal: dict[int, list[tuple[int, str, int]]] = {}
    for p in points:
        by_goal.setdefault(p.goal_id, []).append((p.session_number, p.rater, p.progress))
    return [
        chart_model.GoalSeries(_chart_title(text), by_goal.get(goal_id, []))
        for goal_id, (text, status) in goals.items()
        if status == "active" or goal_id in by_goal
    ]


def visible_version(partnership: Partnership, role: str, timeline: Sequence[SessionView]) -> str:
    """A hash of everything the partnership's charts draw for ``role``: the visible ratings, goals, thresholds.

    Only what the charts are drawn from: not even who has rated a session (the timeline's
    ``rated_by``), so a partner's hidden rating cannot move it. The role is part of it: the
    alliance chart is worded for its reader, so the patient's and the therapist's images of
    the same ratings are two versions, and one can never stand for the other.
    """
    seen = (role, rating_data(timeline), goal_series(partnership, role), thresholds())
    return hashlib.blake2b(repr(seen).encode(), digest_size=16).hexdigest()


def chart(
    name: str,
    partnership: Partnership,
    role: str,
    timeline: Sequence[SessionView],
    ratings: list[RatingData] | None = None,
) -> chart_model.ChartData:
    """The data of one partnership chart; KeyError for an unknown name (``ratings``: rating_data, if at hand)."""
    seen = rating_data(timeline) if ratings is None else ratings
    scope = (partnership.id, role)
    builders: dict[str, Callable[[], chart_model.ChartData]] = {
        "alliance": lambda: alliance(seen, signals_of(timeline, scope=scope).ruptures, viewer_role=role),
        "factors": lambda: chart_data.factor_trends(seen, viewer_role=role),
        "gaps": lambda: chart_data.gap_map(seen, thresholds(), viewer_role=role),
        "readiness": lambda: chart_data.readiness(seen, thresholds(), viewer_role=role),
        "goals": lambda: chart_data.goal_progress(goal_series(partnership, role), viewer_role=role),
    }
    return builders[name]()


_CHARTS = Memo(1024)


def partnership_charts(
    partnership: Partnership,
    role: str,
    timeline: Sequence[SessionView],
    names: Sequence[str] = PARTNERSHIP_CHARTS,
    source: Hashable | None = None,
) -> list[chart_model.ChartData]:
    """The charts ``names`` of the partnership page (all by default), from one pass over the visible ratings.

    With ``source`` (``records.timeline_and_source``: the viewer, the day and the rows read)
    a chart drawn only from the timeline is kept under it and the thresholds: the same rows
    make the same data. The goals chart reads the goals, which the rows do not hold, so it is
    always built.
    """
    seen: list[RatingData] = []
    if any(name == "goals" or source is None for name in names):
        seen = rating_data(timeline)

    def one(name: str) -> chart_model.ChartData:
        """One chart, kept by its source when it has one."""
        if source is None or name == "goals":
            return chart(name, partnership, role, timeline, seen)
        build = lambda: chart(name, partnership, role, timeline)  # noqa: E731
        return _CHARTS.get_or((name, partnership.id, role, thresholds(), source), build)

    return [one(name) for name in names]
