"""Turning what a viewer may see into signals and chart data (no rendering here)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

from flask import current_app

from .. import chart_data
from ..clock import today
from ..reveal import SessionView
from ..signal_text import describe
from ..signals import RatingData, SessionStatus, Signals, Thresholds, analyse

PARTNERSHIP_CHARTS = ("alliance", "factors", "gaps", "readiness", "goals")


def rating_data(views: Sequence[SessionView]) -> list[RatingData]:
    """The ratings the viewer may see, as the signals module takes them."""
    return [
        RatingData(v.number, v.date, r.rater, r.scores, r.comment)
        for v in views
        for r in v.visible
    ]


def thresholds() -> Thresholds:
    """Signal thresholds from the app configuration (SIGNAL_* keys)."""
    return Thresholds.from_mapping(current_app.config)


_MEMO: OrderedDict[str, Signals] = OrderedDict()
_MEMO_SIZE = 4096


def signals_of(views: Sequence[SessionView]) -> Signals:
    """Every signal of one partnership, from what the viewer may see.

    Memoised per process by a hash of exactly what the analysis reads (the
    visible views, today's date, the thresholds): a dashboard re-analysing 40
    unchanged partnerships on every load spent most of its time here, and a
    content key can never serve a stale result.
    """
    limits, day = thresholds(), today()
    key = hashlib.blake2b(repr((day, limits, tuple(views))).encode(), digest_size=16).hexdigest()
    found = _MEMO.get(key)
    if found is not None:
        _MEMO.move_to_end(key)
        return found
    statuses = [SessionStatus(v.number, v.date, v.rated_by) for v in views]
    result = analyse(rating_data(views), statuses, day, limits)
    _MEMO[key] = result
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return result


def sentences(signals: Signals, role: str) -> list[str]:
    """The signals worded for ``role`` as things to talk about."""
    return describe(signals, role)


def _goal_series(partnership, role: str) -> list:
    """The shared goals' progress as the viewer may see it."""
    from ..goals.service import goal_series

    return goal_series(partnership, role)


def chart(name: str, partnership, role: str, views: Sequence[SessionView]) -> chart_data.ChartData:
    """The data of one partnership chart; KeyError for an unknown name."""
    builders: dict[str, Callable[[], chart_data.ChartData]] = {
        "alliance": lambda: chart_data.alliance(
            rating_data(views), signals_of(views).ruptures, viewer_role=role
        ),
        "factors": lambda: chart_data.factor_trends(rating_data(views), viewer_role=role),
        "gaps": lambda: chart_data.gap_map(rating_data(views), thresholds(), viewer_role=role),
        "readiness": lambda: chart_data.readiness(rating_data(views), thresholds(), viewer_role=role),
        "goals": lambda: chart_data.goal_progress(_goal_series(partnership, role), viewer_role=role),
    }
    return builders[name]()


def caseload_lines(rows) -> list[chart_data.CaseloadLine]:
    """One line per partnership: the therapist's own alliance index by session."""
    lines = []
    for row in rows:
        points = [(v.number, v.own.alliance_index) for v in row.views if v.own and v.own.alliance_index is not None]
        lines.append(chart_data.CaseloadLine(row.partnership.patient_name, points))
    return lines
