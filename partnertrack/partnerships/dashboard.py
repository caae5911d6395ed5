"""What the dashboards and the trend table show, computed from what each viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from ..extensions import db
from ..factors import FACTORS, ROLES
from ..insights.service import sentences, signals_of
from ..models import Partnership, User
from ..ratings.service import load_records, views_of
from ..reveal import SessionView, other_role
from ..ruptures.service import open_concerns_by_patient
from ..signals import ALLIANCE, Signals, needs_attention_score


@dataclass(frozen=True)
class DashboardRow:
    """One partnership as a line of a dashboard, with its signals as the user may see them."""

    partnership: Partnership
    role: str
    views: list[SessionView]
    signals: Signals
    sentences: list[str]
    # Concerns the patient raised that are still open: shown to the therapist at once, never blind.
    concerns: tuple = ()

    @property
    def last(self) -> SessionView | None:
        """The most recent session."""
        return self.views[-1] if self.views else None

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
        views = views_of(records[p.id], role)
        signals = signals_of(views)
        rows.append(DashboardRow(p, role, views, signals, sentences(signals, role), tuple(concerns.get(p.id, ()))))
    rows.sort(key=lambda r: (r.partnership.status == "ended", -len(r.concerns), needs_attention_score(r.signals)))
    return rows


@dataclass(frozen=True)
class TrendRow:
    """First and latest visible value of one factor, per party."""

    name: str
    first: dict[str, float | None]
    latest: dict[str, float | None]
    count: dict[str, int]


def _series(views: list[SessionView], role: str, key: str | None) -> list[float]:
    """The visible values of ``key`` (None: the alliance index) by ``role``, in session order."""
    values = []
    for v in views:
        rating = next((r for r in v.visible if r.rater == role), None)
        if rating is None:
            continue
        value = rating.alliance_index if key is None else rating.scores.get(key)
        if value is not None:
            values.append(value)
    return values


def trend_table(views: list[SessionView]) -> list[TrendRow]:
    """The alliance index and each factor: first against latest, for both parties."""
    rows = []
    for name, key in [("Alliance index", None)] + [(f.name, f.key) for f in FACTORS]:
        series = {role: _series(views, role, key) for role in ROLES}
        rows.append(
            TrendRow(
                name=name,
                first={r: (s[0] if s else None) for r, s in series.items()},
                latest={r: (s[-1] if s else None) for r, s in series.items()},
                count={r: len(s) for r, s in series.items()},
            )
        )
    return rows
