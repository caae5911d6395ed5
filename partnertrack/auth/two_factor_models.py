"""Two-factor sign-in's tables: the authenticator secret of an account, and its recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db


class TwoFactor(db.Model):
    """An account's TOTP secret (RFC 6238): set up when ``confirmed_at`` is set, pending before."""

    __tablename__ = "two_factor"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Base32, as authenticator apps take it. Stored as it is: it must be read to check a code
    # (a hash cannot be), and the database is the place the app already trusts with health data.
    secret: so.Mapped[str] = so.mapped_column(sa.String(64))
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The 30-second step of the last code accepted: a code is good once (no replay).
    last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class RecoveryCode(db.Model):
    """One single-use recovery code, stored as a hash (the person keeps the code)."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
