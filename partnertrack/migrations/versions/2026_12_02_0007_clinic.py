"""Clinics: members and their roles, invites, supervision consents, transfers.

Revision ID: 0007_clinic
Revises: 0006_signals
Create Date: 2026-12-02

New tables only: nothing existing changes. A therapist in solo practice has no row here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_clinic"
down_revision = "0006_signals"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("require_two_factor", sa.Boolean(), server_default=sa.true(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "clinic_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), sa.ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _when("joined_at"),
        _when("disabled_at", nullable=True),
        sa.UniqueConstraint("clinic_id", "user_id", name="uq_clinic_members_clinic_user"),
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'therapist')", name="ck_clinic_members_role"),
    )
    op.create_index("ix_clinic_members_clinic_id", "clinic_members", ["clinic_id"])
    op.create_index("ix_clinic_members_user_id", "clinic_members", ["user_id"])
    op.create_table(
        "clinic_invites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), sa.ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.Column("used_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'therapist')", name="ck_clinic_invites_role"),
    )
    op.create_index("ix_clinic_invites_clinic_id", "clinic_invites", ["clinic_id"])
    op.create_table(
        "supervision_consents",
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        _when("changed_at"),
    )
    op.create_table(
        "partnership_transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("clinic_id", sa.Integer(), sa.ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_therapist_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("to_therapist_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("by_user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_partnership_transfers_partnership_id", "partnership_transfers", ["partnership_id"])
    op.create_index("ix_partnership_transfers_clinic_id", "partnership_transfers", ["clinic_id"])


def downgrade():
    op.drop_table("partnership_transfers")
    op.drop_table("supervision_consents")
    op.drop_table("clinic_invites")
    op.drop_table("clinic_members")
    op.drop_table("clinics")
