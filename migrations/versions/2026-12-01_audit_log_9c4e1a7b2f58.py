"""audit log: who created, changed or deleted which record, and when

Revision ID: 9c4e1a7b2f58
Revises: 3f7a9b2d4c61
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '9c4e1a7b2f58'
down_revision = '3f7a9b2d4c61'
branch_labels = None
depends_on = None

# As crm.audit.models creates them: entries are never changed nor deleted, except that the
# erasure of a person may rewrite their values in a transaction that says so.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('crm.audit_erasure', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END
$$
"""
APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
)


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('action', sa.Enum('created', 'changed', 'deleted', name='audit_action', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('record_kind', sa.String(length=40), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=254), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('actor_token_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_company_id', ['company_id'], unique=False)
        batch_op.create_index('ix_audit_entries_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index('ix_audit_entries_record', ['record_kind', 'record_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    op.drop_table('audit_entries')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_entries_append_only()')
