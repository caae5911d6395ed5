"""The summary table: one row per partnership and viewer role, valid for one data version, day and rule set."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.extensions import db


class PartnershipSummary(db.Model):
    """What one party's pages show of one partnership, as computed for (data version, day, rules).

    A row is only a cache: a row whose version, day or rules differ from the current ones
    is never shown, it is computed again (summaries/service.py). Deleting every row is safe.
    """

    __tablename__ = "partnership_summaries"
    __table_args__ = (sa.CheckConstraint("role IN ('therapist', 'patient')", name="ck_partnership_summaries_role"),)

    partnership_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(16), primary_key=True)
    data_version: so.Mapped[int] = so.mapped_column()
    day: so.Mapped[date] = so.mapped_column(sa.Date)
    rules: so.Mapped[str] = so.mapped_column(sa.String(32))
    payload: so.Mapped[str] = so.mapped_column(sa.Text)
    # The therapist's row only: what the supervisor's figures read (clinic/facts.py), kept
    # apart from the payload so the clinic page reads a few bytes per partnership.
    clinic: so.Mapped[str | None] = so.mapped_column(sa.Text)
