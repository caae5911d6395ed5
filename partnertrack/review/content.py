"""Everything the ending review shows, for the page and the PDF alike, as one viewer may see it."""

from __future__ import annotations

from dataclasses import dataclass

from ..chart_data import ChartData
from ..factors import ROLES
from ..goals.models import Goal
from ..goals.service import goals_of
from ..insights import service as insights
from ..models import Partnership
from ..ratings.service import views_for
from ..reveal import SessionView
from ..ruptures.service import EntryView, entry_views, sync_signals
from ..signals import Trend, party_trends, ready_to_discuss_ending
from .models import Review
from .service import review_of
from .summary import Comparison, first_against_last

# The charts the review shows, drawn by the same code as the partnership page's charts.
REVIEW_CHARTS = ("readiness", "alliance", "goals")


@dataclass(frozen=True)
class ReviewContent:
    """The review's sections: comparison, goals, readiness, ruptures, and the charts' data."""

    views: list[SessionView]
    review: Review | None
    comparisons: list[Comparison]
    achieved: list[Goal]
    left: list[Goal]
    dropped: list[Goal]
    readiness_trend: dict[str, Trend]
    ready_to_end: bool
    ruptures: list[EntryView]
    charts: dict[str, ChartData]

    @property
    def rated(self) -> bool:
        """True once the viewer can see any rating at all."""
        return any(v.visible for v in self.views)


def review_content(partnership: Partnership, role: str) -> ReviewContent:
    """Assemble the review for ``role``: only the ratings they may see are counted."""
    sync_signals(partnership)
    views = views_for(partnership, role)
    ratings = insights.rating_data(views)
    thresholds = insights.thresholds()
    goals = goals_of(partnership)
    trends = party_trends(ratings, thresholds)
    charts = {name: insights.chart(name, partnership, role, views) for name in REVIEW_CHARTS}
    return ReviewContent(
        views=views,
        review=review_of(partnership),
        comparisons=first_against_last(ratings),
        achieved=[g for g in goals if g.status == "achieved"],
        left=[g for g in goals if g.status == "active"],
        dropped=[g for g in goals if g.status == "dropped"],
        readiness_trend={r: trends[r]["termination_readiness"] for r in ROLES},
        ready_to_end=ready_to_discuss_ending(ratings, thresholds),
        ruptures=entry_views(partnership),
        charts=charts,
    )
