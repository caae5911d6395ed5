"""A data version per partnership and the per-viewer summaries the pages read.

Revision ID: 0008_summaries
Revises: 0007_clinic
Create Date: 2026-12-02

Every partnership starts at version 0 with no summary: the first page that needs one
computes it from the ratings (partnertrack/summaries/service.py), so nothing is backfilled.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_summaries"
down_revision = "0007_clinic"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "partnership_summaries",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rules", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("partnership_id", "role"),
        sa.CheckConstraint("role IN ('therapist', 'patient')", name="ck_partnership_summaries_role"),
    )


def downgrade():
    op.drop_table("partnership_summaries")
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("data_version")
