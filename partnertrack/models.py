"""Database models: people, partnerships, invites, sessions and their ratings."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from partnertrack.core.clock import utcnow
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.ratings.factors import FACTOR_KEYS, SCORE_MAX, SCORE_MIN

# The one model registry: every module that defines tables, imported by create_app so that
# the metadata (create_all, migrations, the schema checks) always knows every table.
# Feature models name their relationship targets as strings, so none imports another.
MODEL_MODULES = (
    "partnertrack.models",
    "partnertrack.core.audit",
    "partnertrack.goals.models",
    "partnertrack.ruptures.models",
    "partnertrack.review.models",
    "partnertrack.auth.two_factor_models",
    "partnertrack.core.outbox",
    "partnertrack.core.idempotency",
    "partnertrack.notifications.models",
    "partnertrack.auth.models",
    "partnertrack.sessions.models",
    "partnertrack.clinic.models",
    "partnertrack.summaries.models",
)


def import_all_models() -> None:
    """Import every module of MODEL_MODULES (a new feature's models module is added there)."""
    for name in MODEL_MODULES:
        importlib.import_module(name)


class User(UserMixin, db.Model):
    """A therapist or a patient."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("role IN ('therapist', 'patient')", name="ck_users_role"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Bumped on logout, password change and disabling: every older session stops working.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    # The interface and mail language ("en", "es", "de"); None: follow the browser (core/i18n.py).
    language: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses disabled accounts."""
        return self.active

    def get_id(self) -> str:
        """Session id carrying the session version, so bumping it logs out everywhere."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_therapist(self) -> bool:
        """True for a therapist account."""
        return self.role == Role.THERAPIST


class Partnership(db.Model):
    """One therapist and one patient working together."""

    __tablename__ = "partnerships"
    __table_args__ = (
        sa.CheckConstraint("status IN ('invited', 'active', 'ending', 'ended')", name="ck_partnerships_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    therapist_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patient_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    patient_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="invited")
    # The patient deleted their account: the partnership "ended" without the ending review.
    closed_by_patient: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    started_on: so.Mapped[date] = so.mapped_column(sa.Date)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Bumped in the transaction of every change to what the partnership's pages show
    # (summaries/versions.py); summaries and chart ETags are keyed by it.
    data_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The patient asked to talk to their therapist soon (outside the blind rule), not yet answered.
    talk_soon_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # An ending without agreement: who ended it and why (partnerships/endings.py has the reasons).
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    ended_by: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    therapist: so.Mapped[User] = so.relationship(foreign_keys=[therapist_id])
    patient: so.Mapped[User | None] = so.relationship(foreign_keys=[patient_id])
    sessions: so.Mapped[list[TherapySession]] = so.relationship(
        back_populates="partnership", order_by="TherapySession.date", cascade="all, delete-orphan"
    )

    def role_of(self, user: User) -> Role | None:
        """The role ``user`` plays in this partnership, or None for an outsider."""
        if user.id == self.therapist_id:
            return Role.THERAPIST
        if self.patient_id is not None and user.id == self.patient_id:
            return Role.PATIENT
        return None

    @property
    def read_only(self) -> bool:
        """An ended partnership keeps its history but takes no new ratings."""
        return self.status == "ended"


class Invite(db.Model):
    """A single-use link that lets a patient join a partnership."""

    __tablename__ = "invites"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The token is derived from it (core/tokens.derived_token), so the mail worker can write
    # the link into the invite mail; NULL for invites made before invites were mailed.
    nonce: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    partnership: so.Mapped[Partnership] = so.relationship()


# A session is "scheduled" (held, once its date has come) unless it was called off or the
# patient did not come: cancelled and missed sessions are marked, never rated, never owed.
SESSION_STATUSES = ("scheduled", "cancelled", "missed")
SCHEDULED = "scheduled"


class TherapySession(db.Model):
    """One meeting of a partnership: a date both parties rate. Its number is derived from date order.

    The therapist records sessions (or plans the coming ones); the patient may add one the
    therapist has not recorded, and a rating on a date with no session adds one too:
    ``added_by`` says who. Only scheduled sessions whose date has come are numbered, rated
    and owed (``counted``).
    """

    __tablename__ = "sessions"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "date", name="uq_sessions_partnership_date"),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled', 'missed')", name="ck_sessions_status"),
        sa.CheckConstraint("added_by IN ('therapist', 'patient')", name="ck_sessions_added_by"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"))
    date: so.Mapped[date] = so.mapped_column(sa.Date)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=SCHEDULED, server_default=SCHEDULED)
    added_by: so.Mapped[str] = so.mapped_column(sa.String(16), default=Role.THERAPIST.value, server_default="therapist")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    partnership: so.Mapped[Partnership] = so.relationship(back_populates="sessions")
    ratings: so.Mapped[list[Rating]] = so.relationship(
        back_populates="therapy_session", cascade="all, delete-orphan", lazy="selectin"
    )

    def rating_by(self, role: str) -> Rating | None:
        """This session's rating by ``role``, if given."""
        return next((r for r in self.ratings if r.rater == role), None)

    @classmethod
    def counted(cls, day: date) -> sa.ColumnElement[bool]:
        """SQL condition: the session took place by ``day`` (scheduled, not in the future).

        Every numbering of sessions uses it, so "session 5" is the same meeting on every page.
        """
        return sa.and_(cls.status == SCHEDULED, cls.date <= day)


def _score_checks() -> list[sa.CheckConstraint]:
    """Range checks for every score column, so no route or script can store 11."""
    checks = []
    for key in FACTOR_KEYS:
        checks.append(sa.CheckConstraint(f"{key} BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name=f"ck_ratings_{key}_range"))
    return checks


class Rating(db.Model):
    """One party's rating of one session: the six factors and an optional comment."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "rater", name="uq_ratings_session_rater"),
        sa.CheckConstraint("rater IN ('patient', 'therapist')", name="ck_ratings_rater"),
        sa.CheckConstraint("comment IS NULL OR length(comment) <= 2000", name="ck_ratings_comment_length"),
        *_score_checks(),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    rater: so.Mapped[str] = so.mapped_column(sa.String(16))
    mutuality: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    collaboration: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    responsiveness: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    feedback: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    # NULL means "nothing felt off this session", which is not the same as 0.
    rupture_repair: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    termination_readiness: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    therapy_session: so.Mapped[TherapySession] = so.relationship(back_populates="ratings")

    @property
    def scores(self) -> dict[str, int | None]:
        """The six scores keyed by factor."""
        return {key: getattr(self, key) for key in FACTOR_KEYS}
