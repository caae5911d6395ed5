"""The core tables: users, partnerships, invites, sessions and ratings.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26

Frozen on purpose: a migration never imports the app's models or factors, because
they will change after it and it must keep building the schema of its own day.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

SCORE_COLUMNS = ("mutuality", "collaboration", "responsiveness", "feedback", "rupture_repair", "termination_readiness")


def upgrade():
    """Create the five core tables with their constraints and indexes."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('therapist', 'patient')", name="ck_users_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("patient_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('invited', 'active', 'ending', 'ended')", name="ck_partnerships_status"),
        sa.ForeignKeyConstraint(["patient_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["therapist_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_partnerships_patient_id", "partnerships", ["patient_id"], unique=False)
    op.create_index("ix_partnerships_therapist_id", "partnerships", ["therapist_id"], unique=False)
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invites_partnership_id", "invites", ["partnership_id"], unique=False)
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "date", name="uq_sessions_partnership_date"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("rater", sa.String(length=16), nullable=False),
        sa.Column("mutuality", sa.SmallInteger(), nullable=False),
        sa.Column("collaboration", sa.SmallInteger(), nullable=False),
        sa.Column("responsiveness", sa.SmallInteger(), nullable=False),
        sa.Column("feedback", sa.SmallInteger(), nullable=False),
        sa.Column("rupture_repair", sa.SmallInteger(), nullable=True),
        sa.Column("termination_readiness", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rater IN ('patient', 'therapist')", name="ck_ratings_rater"),
        sa.CheckConstraint("comment IS NULL OR length(comment) <= 2000", name="ck_ratings_comment_length"),
        *[sa.CheckConstraint(f"{c} BETWEEN 0 AND 10", name=f"ck_ratings_{c}_range") for c in SCORE_COLUMNS],
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "rater", name="uq_ratings_session_rater"),
    )


def downgrade():
    """Drop the five core tables (and every rating in them)."""
    op.drop_table("ratings")
    op.drop_table("sessions")
    op.drop_index("ix_invites_partnership_id", table_name="invites")
    op.drop_table("invites")
    op.drop_index("ix_partnerships_therapist_id", table_name="partnerships")
    op.drop_index("ix_partnerships_patient_id", table_name="partnerships")
    op.drop_table("partnerships")
    op.drop_table("users")
