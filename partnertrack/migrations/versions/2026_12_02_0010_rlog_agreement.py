"""The rupture log asks both parties: each one's "we talked it through", and a proposed repair.

Revision ID: 0010_rlog_agreement
Revises: 0009_language
Create Date: 2026-12-02

rupture_entries gains each party's answer to "did you two talk it through?" (signal entries whose
ratings came back) and the status the therapist proposed for the patient's concern; rupture_notes
gains the kind of step a note records (ruptures/agreement.py). All nullable: existing rows mean
"not asked yet" and "words or a status step", as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rlog_agreement"
down_revision = "0009_language"
branch_labels = None
depends_on = None

NOTE_KINDS = "kind IS NULL OR kind IN ('talked', 'not_yet', 'both_talked', 'proposed', 'declined')"


def upgrade():
    """Add the answers, the proposal and the note kind, with their checks."""
    with op.batch_alter_table("rupture_entries") as batch:
        batch.add_column(sa.Column("patient_talked", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("therapist_talked", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("proposed_status", sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            "ck_rupture_entries_patient_talked", "patient_talked IS NULL OR patient_talked IN ('yes', 'not_yet')"
        )
        batch.create_check_constraint(
            "ck_rupture_entries_therapist_talked", "therapist_talked IS NULL OR therapist_talked IN ('yes', 'not_yet')"
        )
        batch.create_check_constraint(
            "ck_rupture_entries_proposed_status", "proposed_status IS NULL OR proposed_status = 'repaired'"
        )
    with op.batch_alter_table("rupture_notes") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch.create_check_constraint("ck_rupture_notes_kind", NOTE_KINDS)


def downgrade():
    """Drop them again."""
    with op.batch_alter_table("rupture_notes") as batch:
        batch.drop_constraint("ck_rupture_notes_kind", type_="check")
        batch.drop_column("kind")
    with op.batch_alter_table("rupture_entries") as batch:
        batch.drop_constraint("ck_rupture_entries_proposed_status", type_="check")
        batch.drop_constraint("ck_rupture_entries_therapist_talked", type_="check")
        batch.drop_constraint("ck_rupture_entries_patient_talked", type_="check")
        batch.drop_column("proposed_status")
        batch.drop_column("therapist_talked")
        batch.drop_column("patient_talked")
