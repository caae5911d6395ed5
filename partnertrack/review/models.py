"""The ending-review table: one review per partnership, reopened rather than duplicated."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db

if TYPE_CHECKING:  # relationship targets are named as strings: no import at run time
    from partnertrack.models import Partnership

REVIEW_TEXT_MAX = 2000
REVIEW_STATUSES = ("open", "closed", "completed")


def _length_checks() -> list[sa.CheckConstraint]:
    """At most REVIEW_TEXT_MAX characters in each party's two notes."""
    return [
        sa.CheckConstraint(f"{col} IS NULL OR length({col}) <= {REVIEW_TEXT_MAX}", name=f"ck_reviews_{col}_length")
        for col in ("patient_progress", "patient_left_undone", "therapist_progress", "therapist_left_undone")
    ]


class Review(db.Model):
    """The ending review of a partnership: each party's notes and agreement to end.

    ``status``: open while the partnership is "ending", closed when a party
    took it back to "active", completed once both agreed and it "ended".
    Closing keeps the notes (useful when the review is opened again) but
    clears both agreements, which were given to that round of the review.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", name="uq_reviews_partnership"),
        sa.CheckConstraint("status IN ('open', 'closed', 'completed')", name="ck_reviews_status"),
        sa.CheckConstraint("opened_by IN ('patient', 'therapist')", name="ck_reviews_opened_by"),
        *_length_checks(),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open")
    opened_by: so.Mapped[str] = so.mapped_column(sa.String(16))
    opened_by_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_by: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    closed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    completed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    patient_progress: so.Mapped[str | None] = so.mapped_column(sa.Text)
    patient_left_undone: so.Mapped[str | None] = so.mapped_column(sa.Text)
    patient_agreed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    therapist_progress: so.Mapped[str | None] = so.mapped_column(sa.Text)
    therapist_left_undone: so.Mapped[str | None] = so.mapped_column(sa.Text)
    therapist_agreed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    partnership: so.Mapped[Partnership] = so.relationship("Partnership")

    def notes_of(self, role: str) -> tuple[str, str]:
        """(progress made, left undone) written by ``role``; "" where not yet written."""
        return getattr(self, f"{role}_progress") or "", getattr(self, f"{role}_left_undone") or ""

    def agreed_at(self, role: str) -> datetime | None:
        """When ``role`` agreed to end, or None."""
        return getattr(self, f"{role}_agreed_at")

    def agreed(self, role: str) -> bool:
        """True once ``role`` has agreed to end (and not withdrawn)."""
        return self.agreed_at(role) is not None
