"""Clinic tables: the clinic, its members and their roles, invites, consents and transfers.

A clinic groups therapist accounts for supervision and transfers. Members are ordinary
accounts (the ``users`` table keeps its two roles, therapist and patient); the clinic role
(admin, supervisor, therapist) lives on the membership. An account is an active member of
at most one clinic at a time (clinic/service.py enforces it). Nothing here is deleted when a
member leaves or is disabled: the row stays with ``active`` false.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db

CLINIC_ROLES = ("admin", "supervisor", "therapist")
ADMIN, SUPERVISOR, THERAPIST = CLINIC_ROLES
NAME_MAX = 120


class Clinic(db.Model):
    """A clinic or group practice."""

    __tablename__ = "clinics"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(NAME_MAX))
    # Admins and supervisors see many people's data: two-factor sign-in by default (docs/security.md).
    require_two_factor: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ClinicMember(db.Model):
    """One account's membership of a clinic, in one clinic role."""

    __tablename__ = "clinic_members"
    __table_args__ = (
        sa.UniqueConstraint("clinic_id", "user_id", name="uq_clinic_members_clinic_user"),
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'therapist')", name="ck_clinic_members_role"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    active: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    joined_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    disabled_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    clinic = so.relationship("Clinic")
    user = so.relationship("User")


class ClinicInvite(db.Model):
    """A single-use link that lets an account join a clinic in one role (token derived from ``nonce``)."""

    __tablename__ = "clinic_invites"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'therapist')", name="ck_clinic_invites_role"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    nonce: so.Mapped[str] = so.mapped_column(sa.String(64))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    used_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    clinic = so.relationship("Clinic")


class SupervisionConsent(db.Model):
    """A patient's choice: may their clinic's supervisors see their identified ratings? (No row: no.)"""

    __tablename__ = "supervision_consents"

    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    allowed: so.Mapped[bool] = so.mapped_column(default=False)
    changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PartnershipTransfer(db.Model):
    """A partnership moved from one therapist of a clinic to another; the history stays with it."""

    __tablename__ = "partnership_transfers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    from_therapist_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_therapist_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
