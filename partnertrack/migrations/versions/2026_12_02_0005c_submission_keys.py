"""One-time keys of forms that create something, so a form sent twice acts once.

Revision ID: 0005c_submission_keys
Revises: 0005b_split_dismissals
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005c_submission_keys"
down_revision = "0005b_split_dismissals"
branch_labels = None
depends_on = None


def upgrade():
    """Add the submission_keys table."""
    op.create_table(
        "submission_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade():
    """Drop the submission_keys table."""
    op.drop_table("submission_keys")
