"""The rows of both dashboards, computed from what each viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from partnertrack.core.roles import Role, other_role
from partnertrack.extensions import db
from partnertrack.insights.chart_model import CaseloadLine
from partnertrack.insights.service import sentences, signals_of
from partnertrack.insights.signals import ALLIANCE, Signals, needs_attention_score
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
        """The trend of the client's ratings as the viewer may see them: they predict dropout."""
        return self.signals.trends.get(Role.PATIENT, {}).get(ALLIANCE)

    @property
    def therapist_trend(self):
        """The trend of the therapist's ratings, shown beside the client's."""
        return self.signals.trends.get(Role.THERAPIST, {}).get(ALLIANCE)


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
    rows.sort(key=attention_order)
    return rows


def attention_order(row: DashboardRow) -> tuple:
    """Sort key, most in need first: a patient who asked to talk soon, raised concerns, then the
    client's signals before the therapist's (insights/signals.needs_attention_score); ended last."""
    asked = row.partnership.talk_soon_at is not None and row.partnership.status != "ended"
    return (row.partnership.status == "ended", not asked, -len(row.concerns), needs_attention_score(row.signals))


def caseload_lines(rows: list[DashboardRow]) -> list[CaseloadLine]:
    """One line per partnership for the caseload chart: the therapist's own alliance index by session."""
    lines = []
    for row in rows:
        points = [(v.number, v.own.alliance_index) for v in row.timeline if v.own and v.own.alliance_index is not None]
        lines.append(CaseloadLine(row.partnership.patient_name, points))
    return lines
