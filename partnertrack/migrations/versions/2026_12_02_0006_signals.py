"""The safety path and endings without agreement: a talk-soon request, who ended and why.

Revision ID: 0006_signals
Revises: 0005c_submission_keys
Create Date: 2026-12-02

Three nullable columns on partnerships; no existing row changes meaning (no request open,
every ended partnership ended by agreement or by the patient leaving, as before).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_signals"
down_revision = "0005c_submission_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("talk_soon_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("ended_by")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("talk_soon_at")
