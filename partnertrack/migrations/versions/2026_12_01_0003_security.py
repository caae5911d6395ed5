"""Two-factor sign-in, invite links derived again on the server, erasure of audit addresses.

Revision ID: 0003_security
Revises: 0002_collaboration_audit
Create Date: 2026-12-01

- two_factor and recovery_codes: an account's authenticator secret and its recovery codes.
  Invites made before keep working; their links can no longer be shown again.
- audit_events' append-only triggers now also let remote_addr and detail become NULL
  (erasing an account blanks them), as the ids could; every other change is refused.
  The statements are copied here as text, not imported (see 0002).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_security"
down_revision = "0002_collaboration_audit"
branch_labels = None
depends_on = None


def _conditions(unchanged, erasable, distinct="IS NOT DISTINCT FROM"):
    """The trigger's test: ``unchanged`` columns as they were, ``erasable`` ones as they were or NULL."""
    keep = " AND ".join(f"NEW.{c} {distinct} OLD.{c}" for c in unchanged)
    blank = " AND ".join(f"(NEW.{c} IS NULL OR NEW.{c} {distinct} OLD.{c})" for c in erasable)
    return keep, blank


OLD_RULE = _conditions(
    ("id", "created_at", "actor_role", "action", "detail", "remote_addr"), ("actor_id", "subject_id", "partnership_id")
)
NEW_RULE = _conditions(
    ("id", "created_at", "actor_role", "action"), ("actor_id", "subject_id", "partnership_id", "detail", "remote_addr")
)


def _postgresql_function(rule):
    """The trigger function of audit_events on PostgreSQL for ``rule``."""
    keep, blank = rule
    return f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {keep} AND {blank} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only (' || TG_OP || ' refused)';
END
$$ LANGUAGE plpgsql
"""


def _sqlite_trigger(rule):
    """The UPDATE trigger of audit_events on SQLite for ``rule`` (SQLite writes IS for IS NOT DISTINCT FROM)."""
    keep, blank = (part.replace("IS NOT DISTINCT FROM", "IS") for part in rule)
    return f"""
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT ({keep} AND {blank})
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END
"""


def _audit_rule(rule):
    """Install ``rule`` as the audit log's update rule on this engine."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_postgresql_function(rule))
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute(_sqlite_trigger(rule))


def upgrade():
    """Add the two-factor tables, and let erasure blank an event's address and text."""
    op.create_table('two_factor',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_step', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)
    _audit_rule(NEW_RULE)


def downgrade():
    """Undo upgrade(): the audit rule as before, no two-factor tables."""
    _audit_rule(OLD_RULE)

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    op.drop_table('two_factor')
