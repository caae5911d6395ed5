"""Shared goals, the rupture log, the ending review, the append-only audit log.

Revision ID: 0002_collaboration_audit
Revises: 0001_initial
Create Date: 2026-11-26

Also adds partnerships.closed_by_patient (a patient who deletes their account closes it).
The audit triggers are copied here as text, not imported: the migration keeps the schema of
its own day whatever partnertrack/audit.py says later.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_collaboration_audit"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_UNCHANGED_PG = " AND ".join(
    f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in ("id", "created_at", "actor_role", "action", "detail", "remote_addr")
)
_ONLY_ERASED_PG = " AND ".join(
    f"(NEW.{c} IS NULL OR NEW.{c} IS NOT DISTINCT FROM OLD.{c})" for c in ("actor_id", "subject_id", "partnership_id")
)
# Foreign keys may only blank the ids (ON DELETE SET NULL); any other change, a delete or a
# truncate is refused by the database itself.
POSTGRESQL_DDL = (
    f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {_UNCHANGED_PG} AND {_ONLY_ERASED_PG} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only (' || TG_OP || ' refused)';
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
""",
    """
CREATE TRIGGER audit_events_no_truncate
BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
""",
)
SQLITE_DDL = (
    f"""
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT ({_UNCHANGED_PG.replace("IS NOT DISTINCT FROM", "IS")} AND {_ONLY_ERASED_PG.replace("IS NOT DISTINCT FROM", "IS")})
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END
""",
    """
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (DELETE refused)'); END
""",
)


def upgrade():
    """Create the goal, rupture-log, review and audit tables; the audit table refuses changes."""
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=16), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('remote_addr', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_subject_id'), ['subject_id'], unique=False)

    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("created_by IN ('patient', 'therapist')", name='ck_goals_created_by'),
    sa.CheckConstraint("status IN ('active', 'achieved', 'dropped')", name='ck_goals_status'),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 300', name='ck_goals_text_length'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_by', sa.String(length=16), nullable=False),
    sa.Column('opened_by_user_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=16), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('patient_progress', sa.Text(), nullable=True),
    sa.Column('patient_left_undone', sa.Text(), nullable=True),
    sa.Column('patient_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('therapist_progress', sa.Text(), nullable=True),
    sa.Column('therapist_left_undone', sa.Text(), nullable=True),
    sa.Column('therapist_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("opened_by IN ('patient', 'therapist')", name='ck_reviews_opened_by'),
    sa.CheckConstraint("status IN ('open', 'closed', 'completed')", name='ck_reviews_status'),
    sa.CheckConstraint('patient_left_undone IS NULL OR length(patient_left_undone) <= 2000', name='ck_reviews_patient_left_undone_length'),
    sa.CheckConstraint('patient_progress IS NULL OR length(patient_progress) <= 2000', name='ck_reviews_patient_progress_length'),
    sa.CheckConstraint('therapist_left_undone IS NULL OR length(therapist_left_undone) <= 2000', name='ck_reviews_therapist_left_undone_length'),
    sa.CheckConstraint('therapist_progress IS NULL OR length(therapist_progress) <= 2000', name='ck_reviews_therapist_progress_length'),
    sa.ForeignKeyConstraint(['opened_by_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partnership_id', name='uq_reviews_partnership')
    )
    op.create_table('goal_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changed_by', sa.String(length=16), nullable=False),
    sa.Column('changed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('created', 'reworded', 'achieved', 'dropped', 'reopened')", name='ck_goal_revisions_action'),
    sa.CheckConstraint("changed_by IN ('patient', 'therapist')", name='ck_goal_revisions_changed_by'),
    sa.CheckConstraint("status IN ('active', 'achieved', 'dropped')", name='ck_goal_revisions_status'),
    sa.ForeignKeyConstraint(['changed_by_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goal_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_revisions_goal_id'), ['goal_id'], unique=False)

    op.create_table('rupture_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('strong', sa.Boolean(), nullable=False),
    sa.Column('recovered_session_id', sa.Integer(), nullable=True),
    sa.Column('raised_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('repaired_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("party IN ('patient', 'therapist')", name='ck_rupture_entries_party'),
    sa.CheckConstraint("source IN ('signal', 'concern')", name='ck_rupture_entries_source'),
    sa.CheckConstraint("status IN ('open', 'discussed', 'repaired')", name='ck_rupture_entries_status'),
    sa.CheckConstraint('detail IS NULL OR length(detail) <= 2000', name='ck_rupture_entries_detail_length'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['raised_by_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recovered_session_id'], ['sessions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rupture_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rupture_entries_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('uq_rupture_entries_signal', ['partnership_id', 'party', 'session_id'], unique=True, sqlite_where=sa.text("source = 'signal'"), postgresql_where=sa.text("source = 'signal'"))

    op.create_table('goal_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('progress', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('progress BETWEEN 0 AND 10', name='ck_goal_progress_range'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('goal_id', 'rating_id', name='uq_goal_progress_goal_rating')
    )
    with op.batch_alter_table('goal_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_progress_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_progress_rating_id'), ['rating_id'], unique=False)

    op.create_table('rupture_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('status_from', sa.String(length=16), nullable=True),
    sa.Column('status_to', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("author IN ('patient', 'therapist')", name='ck_rupture_notes_author'),
    sa.CheckConstraint("status_to IS NULL OR status_to IN ('open', 'discussed', 'repaired')", name='ck_rupture_notes_status_to'),
    sa.CheckConstraint('text IS NULL OR length(text) <= 2000', name='ck_rupture_notes_text_length'),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['rupture_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rupture_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rupture_notes_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_by_patient', sa.Boolean(), server_default=sa.false(), nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL if dialect == "sqlite" else ():
        op.execute(statement)


def downgrade():
    """Drop what upgrade() created (the audit triggers go with their table)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE")
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('closed_by_patient')

    with op.batch_alter_table('rupture_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rupture_notes_entry_id'))

    op.drop_table('rupture_notes')
    with op.batch_alter_table('goal_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_progress_rating_id'))
        batch_op.drop_index(batch_op.f('ix_goal_progress_goal_id'))

    op.drop_table('goal_progress')
    with op.batch_alter_table('rupture_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_rupture_entries_signal', sqlite_where=sa.text("source = 'signal'"), postgresql_where=sa.text("source = 'signal'"))
        batch_op.drop_index(batch_op.f('ix_rupture_entries_partnership_id'))

    op.drop_table('rupture_entries')
    with op.batch_alter_table('goal_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_revisions_goal_id'))

    op.drop_table('goal_revisions')
    op.drop_table('reviews')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_partnership_id'))

    op.drop_table('goals')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_subject_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
