"""The rows of both dashboards, computed from what each viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from partnertrack.dashboard import glance
from partnertrack.extensions import db
from partnertrack.insights.chart_model import CaseloadLine
from partnertrack.insights.service import sentences, signals_of
from partnertrack.models import Partnership, User
from partnertrack.ratings.records import load_records, timeline_of
from partnertrack.ratings.reveal import SessionView
from partnertrack.ratings.waiting import waiting_for
from partnertrack.ruptures.service import open_concerns_by_patient
from partnertrack.summaries.payload import Summary, summarise
from partnertrack.summaries.service import summaries_for


@dataclass(frozen=True)
class DashboardRow:
    """One partnership as a line of a dashboard: its summary as the user may see it.

    The therapist's rows come from the stored summaries (summaries/service.py) and carry
    no timeline; a patient's rows also carry the timeline, for the form waiting for them
    and the alliance chart.
    """

    partnership: Partnership
    role: str
    summary: Summary
    # Concerns the patient raised that are still open: shown to the therapist at once, never blind.
    concerns: tuple = ()
    timeline: tuple[SessionView, ...] = ()

    @property
    def sentences(self) -> tuple[str, ...]:
        """The signals worded for the viewer."""
        return self.summary.sentences

    @property
    def owed_by_me(self) -> tuple[int, ...]:
        """Sessions the viewer has not rated yet."""
        return self.summary.owed_by_me

    @property
    def owed_by_partner(self) -> tuple[int, ...]:
        """Sessions the partner has not rated yet."""
        return self.summary.owed_by_partner

    @property
    def name(self) -> str:
        """The client's name as the therapist typed it."""
        return self.partnership.patient_name

    @property
    def status(self) -> str:
        """The partnership's state: invited, active, ending or ended."""
        return self.partnership.status

    @property
    def closed_by_patient(self) -> bool:
        """The patient closed the partnership by deleting their account."""
        return bool(self.partnership.closed_by_patient)

    @property
    def talk_soon(self) -> bool:
        """The patient asked to talk to their therapist soon, and it is not answered yet."""
        return self.partnership.talk_soon_at is not None

    @property
    def last_number(self) -> int:
        """The latest session's number; 0 before the first."""
        return self.summary.last_number

    @property
    def last_date(self):
        """The latest session's date, or None."""
        return self.summary.last_date

    @property
    def signal_reasons(self) -> tuple[str, ...]:
        """What the signals say needs the therapist now (dashboard/glance.py)."""
        return self.summary.signal_reasons

    @property
    def attention(self) -> tuple:
        """The signals' own order of need (insights/signals.needs_attention_score)."""
        return self.summary.attention

    @property
    def owed_count(self) -> int:
        """Forms owed by either party."""
        return len(self.summary.owed_by_me) + len(self.summary.owed_by_partner)

    @property
    def reasons(self) -> list[str]:
        """Why this row needs the therapist now, most pressing first."""
        return glance.reasons(self)

    @property
    def newest(self) -> str:
        """The newest signal of the last few sessions, or ""."""
        return self.summary.newest

    @property
    def spark(self) -> glance.Spark:
        """The client's recent alliance index as an inline line and in words."""
        return glance.spark(self.summary.client_alliance, self.summary.alliance_trend)

    @property
    def waiting(self) -> list[SessionView]:
        """Sessions waiting for the viewer's rating, in the order the form offers them (patient rows)."""
        return waiting_for(self.timeline, self.role)


def _partnerships_of(user: User) -> list[Partnership]:
    """The user's partnerships, newest first."""
    column = Partnership.therapist_id if user.is_therapist else Partnership.patient_id
    return db.session.scalars(
        db.select(Partnership)
        .where(column == user.id)
        .options(joinedload(Partnership.therapist))
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
    ).all()


def rows_for(user: User) -> list[DashboardRow]:
    """The user's partnerships: a therapist's sorted by who needs attention first.

    A therapist's caseload costs a fixed number of statements and no rating is read
    while the summaries are current; a patient's few partnerships are read whole.
    """
    partnerships = _partnerships_of(user)
    if not user.is_therapist:
        return [_patient_row(p, p.role_of(user), timeline) for p, timeline in _timelines(partnerships, user)]
    pairs = [(p, p.role_of(user)) for p in partnerships]
    found = summaries_for(pairs)
    concerns = open_concerns_by_patient(p.id for p in partnerships)
    rows = [DashboardRow(p, role, found[(p.id, role)], tuple(concerns.get(p.id, ()))) for p, role in pairs]
    rows.sort(key=glance.attention_key)
    return rows


def _timelines(partnerships: list[Partnership], user: User):
    """(partnership, timeline as the user sees it) for each partnership, from one query."""
    records = load_records(p.id for p in partnerships)
    return [(p, timeline_of(records[p.id], p.role_of(user))) for p in partnerships]


def _patient_row(partnership: Partnership, role: str, timeline: list[SessionView]) -> DashboardRow:
    """A patient's row, with the timeline its form and chart need."""
    found = signals_of(timeline, scope=(partnership.id, role))
    return DashboardRow(
        partnership, role, summarise(timeline, found, sentences(found, role), role), (), tuple(timeline)
    )


def caseload_lines(rows: list[DashboardRow]) -> list[CaseloadLine]:
    """One line per partnership for the caseload chart: the therapist's own alliance index by session."""
    return [CaseloadLine(row.partnership.patient_name, list(row.summary.own_alliance)) for row in rows]
