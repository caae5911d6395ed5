"""Sign-up by mailed link: a pending sign-up waits for its link before the account exists.

Revision ID: 0005a_mailed_signup
Revises: 0005_shared_sessions
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005a_mailed_signup"
down_revision = "0005_shared_sessions"
branch_labels = None
depends_on = None


def upgrade():
    """Add the pending_signups table."""
    op.create_table(
        "pending_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("pending_signups") as batch:
        batch.create_index(batch.f("ix_pending_signups_email"), ["email"], unique=False)


def downgrade():
    """Drop the pending_signups table."""
    with op.batch_alter_table("pending_signups") as batch:
        batch.drop_index(batch.f("ix_pending_signups_email"))
    op.drop_table("pending_signups")
