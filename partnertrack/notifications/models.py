"""Tables of the notifications feature: choices per account, refused addresses, form links, digests."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db

# Which form links may exist once per session: the first one, and the one a reminder carries.
PURPOSES = ("link", "reminder")


class NotificationSettings(db.Model):
    """One account's choices of mail and its time zone; no row means the defaults."""

    __tablename__ = "notification_settings"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    form_links: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    reminders: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    alerts: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    digest: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # An IANA name ("Europe/Berlin"); None: the installation's DEFAULT_TIME_ZONE.
    time_zone: so.Mapped[str | None] = so.mapped_column(sa.String(64))


class MailSuppression(db.Model):
    """An address that asked for no more invites (one-click unsubscribe); only its hash is kept."""

    __tablename__ = "mail_suppressions"

    address_hash: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class FormLink(db.Model):
    """A mailed link that opens one session's form for its patient, once, for FORM_LINK_HOURS.

    The token is derived from ``nonce`` under the secret key (core/tokens.derived_token);
    the table holds only its hash.
    """

    __tablename__ = "form_links"
    __table_args__ = (
        sa.CheckConstraint("purpose IN ('link', 'reminder')", name="ck_form_links_purpose"),
        # At most one first link and one reminder per session, whoever asks and however often.
        sa.Index("uq_form_links_session_purpose", "session_id", "purpose", unique=True),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(16))
    nonce: so.Mapped[str] = so.mapped_column(sa.String(64))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    therapy_session = so.relationship("TherapySession")
    user = so.relationship("User")


class DigestMark(db.Model):
    """A weekly digest recorded for one therapist and ISO week, so two workers never send it twice."""

    __tablename__ = "digest_marks"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    week: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
