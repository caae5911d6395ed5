"""A partnership's clinic facts from the therapist's timeline, and as stored text (pure).

The supervisor sees only what both parties see: the facts are drawn from the sessions
revealed to both (the blind rule holds for a supervisor too), numbered as every page numbers
them. They are computed when the partnership's summary is (summaries/service.py), so they
follow its data version and refresh in the same transaction as any change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import astuple
from datetime import date

from partnertrack.clinic.attunement import of_partnership
from partnertrack.clinic.figures import Case, CaseFacts, facts_of
from partnertrack.core.roles import ROLES
from partnertrack.insights.signals import RatingData, SessionStatus, analyse
from partnertrack.insights.thresholds import Thresholds
from partnertrack.ratings.reveal import SessionView


def facts_from_timeline(timeline: Sequence[SessionView], day: date, limits: Thresholds) -> CaseFacts:
    """The facts of one partnership from its therapist's timeline on ``day``."""
    statuses = [SessionStatus(v.number, v.date, v.rated_by) for v in timeline]
    ratings = tuple(RatingData(v.number, v.date, r.rater, r.scores) for v in timeline if v.revealed for r in v.visible)
    due = [s for s in statuses if (day - s.session_date).days > limits.form_owed_days]
    signals = analyse(ratings, statuses, day, limits)
    case = Case(
        partnership_id=0,
        therapist_id=0,
        status="active",
        closed_by_patient=False,
        ratings=ratings,
        sessions_due=len(due),
        rated_by_patient=sum(ROLES[0] in s.rated_by for s in due),
        rated_by_therapist=sum(ROLES[1] in s.rated_by for s in due),
        open_concerns=0,
        signals=signals,
        attunement=of_partnership(ratings, signals.ruptures),
    )
    return facts_of(case)


def to_text(facts: CaseFacts) -> str:
    """The facts as the compact JSON list stored beside the summary."""
    return json.dumps(astuple(facts), separators=(",", ":"))


def from_text(text: str) -> CaseFacts:
    """The facts stored by ``to_text``."""
    values = json.loads(text)
    values[6] = tuple(values[6])  # repair_sessions
    return CaseFacts(*values)
