"""Each account's language (English, Spanish, German), for its pages and its mail.

Revision ID: 0009_language
Revises: 0008_summaries
Create Date: 2026-12-02

Nullable: an existing account follows its browser's language until its owner chooses one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_language"
down_revision = "0008_summaries"
branch_labels = None
depends_on = None


def upgrade():
    """Add users.language."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    """Drop users.language."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
