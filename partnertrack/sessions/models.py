"""What the therapist decided about a likely split pair: two meetings after all."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db


class SplitDismissal(db.Model):
    """A pair of sessions the therapist kept as two meetings: never suggested for a merge again.

    The lower session id comes first, so the pair is stored once whichever way it was sent.
    """

    __tablename__ = "split_dismissals"

    partnership_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    first_session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    second_session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
