"""What the dashboards and the trend table show, computed from what each viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload

from ..clock import today
from ..extensions import db
from ..factors import FACTORS, ROLES
from ..models import Partnership, User
from ..reveal import SessionView, other_role
from ..ratings.service import load_records, views_of

FORM_OWED_DAYS = 1


@dataclass(frozen=True)
class DashboardRow:
    """One partnership as a line of a dashboard."""

    partnership: Partnership
    role: str
    views: list[SessionView]
    owed_by_me: list[SessionView]
    owed_by_partner: list[SessionView]

    @property
    def last(self) -> SessionView | None:
        """The most recent session."""
        return self.views[-1] if self.views else None


def _owed(views: list[SessionView], role: str, day: date) -> list[SessionView]:
    """Sessions older than a day that ``role`` has not rated."""
    return [v for v in views if role not in v.rated_by and (day - v.date).days >= FORM_OWED_DAYS]


def rows_for(user: User) -> list[DashboardRow]:
    """The user's partnerships with what each party owes, newest first."""
    column = Partnership.therapist_id if user.is_therapist else Partnership.patient_id
    partnerships = db.session.scalars(
        db.select(Partnership)
        .where(column == user.id)
        .options(joinedload(Partnership.therapist))
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
    ).all()
    records = load_records(p.id for p in partnerships)
    day = today()
    rows = []
    for p in partnerships:
        role = p.role_of(user)
        views = views_of(records[p.id], role)
        rows.append(DashboardRow(p, role, views, _owed(views, role, day), _owed(views, other_role(role), day)))
    # Something to do first: partnerships where this user owes a form.
    rows.sort(key=lambda r: (not r.owed_by_me, r.partnership.status == "ended"))
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
