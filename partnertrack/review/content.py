"""Everything the ending review shows, for the page and the PDF alike, as one viewer may see it."""

from __future__ import annotations

from dataclasses import dataclass

from partnertrack.core.roles import ROLES
from partnertrack.goals.models import Goal
from partnertrack.goals.service import goals_of
from partnertrack.insights import service as insights
from partnertrack.insights.chart_model import ChartData
from partnertrack.insights.signals import Trend, party_trends, ready_to_discuss_ending
from partnertrack.models import Partnership
from partnertrack.ratings.records import timeline_for
from partnertrack.ratings.reveal import SessionView
from partnertrack.review.models import Review
from partnertrack.review.service import review_of
from partnertrack.review.summary import Comparison, first_against_last
from partnertrack.ruptures.asks import StillOpen, still_open
from partnertrack.ruptures.service import EntryView, entry_views, sync_signals

# The charts the review shows, drawn by the same code as the partnership page's charts.
REVIEW_CHARTS = ("readiness", "alliance", "goals")


@dataclass(frozen=True)
class ReviewContent:
    """The review's sections: comparison, goals, readiness, ruptures, and the charts' data."""

    timeline: list[SessionView]
    review: Review | None
    comparisons: list[Comparison]
    achieved: list[Goal]
    left: list[Goal]
    dropped: list[Goal]
    readiness_trend: dict[str, Trend]
    ready_to_end: bool
    ruptures: list[EntryView]
    # Entries not yet repaired, with who still has to answer: closed, ideally, before the two end.
    still_open: list[StillOpen]
    charts: dict[str, ChartData]

    @property
    def rated(self) -> bool:
        """True once the viewer can see any rating at all."""
        return any(v.visible for v in self.timeline)


def review_content(partnership: Partnership, role: str) -> ReviewContent:
    """Assemble the review for ``role``: only the ratings they may see are counted."""
    sync_signals(partnership)
    timeline = timeline_for(partnership, role)
    ratings = insights.rating_data(timeline)
    thresholds = insights.thresholds()
    goals = goals_of(partnership)
    trends = party_trends(ratings, thresholds)
    charts = {name: insights.chart(name, partnership, role, timeline) for name in REVIEW_CHARTS}
    ruptures = entry_views(partnership)
    return ReviewContent(
        timeline=timeline,
        review=review_of(partnership),
        comparisons=first_against_last(ratings, viewer_role=role),
        achieved=[g for g in goals if g.status == "achieved"],
        left=[g for g in goals if g.status == "active"],
        dropped=[g for g in goals if g.status == "dropped"],
        readiness_trend={r: trends[r]["termination_readiness"] for r in ROLES},
        ready_to_end=ready_to_discuss_ending(ratings, thresholds),
        ruptures=ruptures,
        still_open=still_open(ruptures),
        charts=charts,
    )
