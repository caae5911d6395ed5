"""The rows of both dashboards, computed from what each viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from partnertrack.core.roles import other_role
from partnertrack.dashboard import glance
from partnertrack.extensions import db
from partnertrack.insights.chart_model import CaseloadLine
from partnertrack.insights.service import sentences, signals_of
from partnertrack.insights.signals import ALLIANCE, Signals
from partnertrack.models import Partnership, User
from partnertrack.ratings.records import load_records, timeline_of
from partnertrack.ratings.reveal import SessionView
from partnertrack.ratings.waiting import waiting_for
from partnertrack.ruptures.service import open_concerns_by_patient


@dataclass(frozen=True)
class DashboardRow:
    """One partnership as a line of a dashboard, with its signals as the user may see them."""

    partnership: Partnership
    role: str
    timeline: list[SessionView]
    signals: Signals
    sentences: list[str]
    # Concerns the patient raised that are still open: shown to the therapist at once, never blind.
    concerns: tuple = ()

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
    def last_number(self) -> int:
        """The latest session's number; 0 before the first."""
        return self.timeline[-1].number if self.timeline else 0

    @property
    def last_date(self):
        """The latest session's date, or None."""
        return self.timeline[-1].date if self.timeline else None

    @property
    def reasons(self) -> list[str]:
        """Why this row needs the therapist now (dashboard/glance.py)."""
        return glance.reasons(self)

    @property
    def newest(self) -> str:
        """The newest signal of the last few sessions, or ""."""
        return glance.newest_signal(self)

    @property
    def spark(self) -> glance.Spark:
        """The client's recent alliance index as an inline line and in words."""
        points = [(v.number, r.alliance_index) for v in self.timeline for r in v.visible if r.rater == "patient"]
        trend = self.signals.trends.get("patient", {}).get(ALLIANCE)
        return glance.spark([(n, y) for n, y in points if y is not None], trend.label if trend else None)

    @property
    def last(self) -> SessionView | None:
        """The most recent session."""
        return self.timeline[-1] if self.timeline else None

    def _owed_by(self, role: str) -> list[int]:
        """Session numbers ``role`` still owes a form for."""
        return [f.session_number for f in self.signals.forms_owed if f.party == role]

    @property
    def owed_by_me(self) -> list[int]:
        """Sessions the viewer has not rated yet."""
        return self._owed_by(self.role)

    @property
    def owed_by_partner(self) -> list[int]:
        """Sessions the partner has not rated yet."""
        return self._owed_by(other_role(self.role))

    @property
    def waiting(self) -> list[SessionView]:
        """Sessions waiting for the viewer's rating, in the order the form offers them."""
        return waiting_for(self.timeline, self.role)

    @property
    def alliance_trend(self):
        """The trend of the viewer's own alliance index."""
        return self.signals.trends.get(self.role, {}).get(ALLIANCE)


def rows_for(user: User) -> list[DashboardRow]:
    """The user's partnerships: a therapist's sorted by who needs attention first."""
    column = Partnership.therapist_id if user.is_therapist else Partnership.patient_id
    partnerships = db.session.scalars(
        db.select(Partnership)
        .where(column == user.id)
        .options(joinedload(Partnership.therapist))
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
    ).all()
    records = load_records(p.id for p in partnerships)
    concerns = open_concerns_by_patient(p.id for p in partnerships) if user.is_therapist else {}
    rows = []
    for p in partnerships:
        role = p.role_of(user)
        timeline = timeline_of(records[p.id], role)
        signals = signals_of(timeline, scope=(p.id, role))
        rows.append(DashboardRow(p, role, timeline, signals, sentences(signals, role), tuple(concerns.get(p.id, ()))))
    rows.sort(key=glance.attention_key)
    return rows


def caseload_lines(rows: list[DashboardRow]) -> list[CaseloadLine]:
    """One line per partnership for the caseload chart: the therapist's own alliance index by session."""
    lines = []
    for row in rows:
        points = [(v.number, v.own.alliance_index) for v in row.timeline if v.own and v.own.alliance_index is not None]
        lines.append(CaseloadLine(row.partnership.patient_name, points))
    return lines
