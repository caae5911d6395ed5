"""Sessions as shared appointments: a status (scheduled, cancelled, missed) and who added each.

Revision ID: 0005_shared_sessions
Revises: 0004_mail
Create Date: 2026-12-01

Every existing session stays scheduled, and every rating stays exactly as it was: no session
is merged or moved here. Sessions that look like one meeting rated under two dates are only
listed for the therapist to merge (`flask --app partnertrack sessions find-splits`).
A session made before this revision was made by whoever rated it first, so that party is
recorded as the one who added it (the therapist where no rating is left).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_shared_sessions"
down_revision = "0004_mail"
branch_labels = None
depends_on = None

FIRST_RATER = """
UPDATE sessions SET added_by = (
    SELECT r.rater FROM ratings r WHERE r.session_id = sessions.id
    ORDER BY r.created_at, r.id LIMIT 1
)
WHERE EXISTS (SELECT 1 FROM ratings r WHERE r.session_id = sessions.id)
"""


def upgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="scheduled", nullable=False))
        batch_op.add_column(sa.Column("added_by", sa.String(length=16), server_default="therapist", nullable=False))
        batch_op.create_check_constraint("ck_sessions_status", "status IN ('scheduled', 'cancelled', 'missed')")
        batch_op.create_check_constraint("ck_sessions_added_by", "added_by IN ('therapist', 'patient')")
    op.execute(FIRST_RATER)


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_constraint("ck_sessions_added_by", type_="check")
        batch_op.drop_constraint("ck_sessions_status", type_="check")
        batch_op.drop_column("added_by")
        batch_op.drop_column("status")
