"""The clinic facts of a partnership, stored beside its therapist's summary.

Revision ID: 0010_perf_clinic_facts
Revises: 0010_rlog_agreement
Create Date: 2026-12-02

Nullable: a patient's summary has none, and a row written before this revision is stale
anyway (its rules fingerprint changed), so it is computed again with its facts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_perf_clinic_facts"
down_revision = "0010_rlog_agreement"
branch_labels = None
depends_on = None


def upgrade():
    """Add partnership_summaries.clinic."""
    with op.batch_alter_table("partnership_summaries") as batch:
        batch.add_column(sa.Column("clinic", sa.Text(), nullable=True))


def downgrade():
    """Drop partnership_summaries.clinic."""
    with op.batch_alter_table("partnership_summaries") as batch:
        batch.drop_column("clinic")
