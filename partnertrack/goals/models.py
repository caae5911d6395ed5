"""Goal tables: the goal, every revision of it, and each party's progress per rated session."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db
from partnertrack.ratings.factors import SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:  # relationship targets are named as strings: no import at run time
    from partnertrack.models import Partnership, Rating

GOAL_TEXT_MAX = 300
GOAL_STATUSES = ("active", "achieved", "dropped")
# What a revision did; "reopened" brings an achieved or dropped goal back to active.
GOAL_ACTIONS = ("created", "reworded", "achieved", "dropped", "reopened")


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL for ``column IN (...)`` over fixed literals, for check constraints."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Goal(db.Model):
    """A goal both parties work toward; its current wording and status."""

    __tablename__ = "goals"
    __table_args__ = (
        sa.CheckConstraint(_in("status", GOAL_STATUSES), name="ck_goals_status"),
        sa.CheckConstraint("created_by IN ('patient', 'therapist')", name="ck_goals_created_by"),
        sa.CheckConstraint(f"length(text) BETWEEN 1 AND {GOAL_TEXT_MAX}", name="ck_goals_text_length"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.String(GOAL_TEXT_MAX))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="active")
    created_by: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    partnership: so.Mapped[Partnership] = so.relationship("Partnership")
    revisions: so.Mapped[list[GoalRevision]] = so.relationship(
        back_populates="goal", order_by="GoalRevision.id", cascade="all, delete-orphan", lazy="selectin"
    )
    progress: so.Mapped[list[GoalProgress]] = so.relationship(
        back_populates="goal", cascade="all, delete-orphan", passive_deletes=True
    )


class GoalRevision(db.Model):
    """One change to a goal: who (role and account), when, and the goal as it stood after."""

    __tablename__ = "goal_revisions"
    __table_args__ = (
        sa.CheckConstraint(_in("action", GOAL_ACTIONS), name="ck_goal_revisions_action"),
        sa.CheckConstraint(_in("status", GOAL_STATUSES), name="ck_goal_revisions_status"),
        sa.CheckConstraint("changed_by IN ('patient', 'therapist')", name="ck_goal_revisions_changed_by"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    # A snapshot, not a diff: the previous revision gives the "before".
    text: so.Mapped[str] = so.mapped_column(sa.String(GOAL_TEXT_MAX))
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    changed_by: so.Mapped[str] = so.mapped_column(sa.String(16))
    changed_by_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    goal: so.Mapped[Goal] = so.relationship(back_populates="revisions")


class GoalProgress(db.Model):
    """One party's 0-10 progress on one goal, given with their rating of a session.

    Keyed to the rating, so it follows the rating's reveal rule and lock, and
    goes when the rating goes.
    """

    __tablename__ = "goal_progress"
    __table_args__ = (
        sa.UniqueConstraint("goal_id", "rating_id", name="uq_goal_progress_goal_rating"),
        sa.CheckConstraint(f"progress BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="ck_goal_progress_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    rating_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ratings.id", ondelete="CASCADE"), index=True)
    progress: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    goal: so.Mapped[Goal] = so.relationship(back_populates="progress")
    rating: so.Mapped[Rating] = so.relationship("Rating")
