"""Split pairs the therapist kept as two meetings.

Revision ID: 0005b_split_dismissals
Revises: 0005a_mailed_signup
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005b_split_dismissals"
down_revision = "0005a_mailed_signup"
branch_labels = None
depends_on = None


def upgrade():
    """Add the split_dismissals table."""
    op.create_table(
        "split_dismissals",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("first_session_id", sa.Integer(), nullable=False),
        sa.Column("second_session_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["first_session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["second_session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("partnership_id", "first_session_id", "second_session_id"),
    )


def downgrade():
    """Drop the split_dismissals table."""
    op.drop_table("split_dismissals")
