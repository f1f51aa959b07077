"""server-side sessions; login throttling leaves the users table; hourly cap on public registrations

Logins become rows of ``user_sessions`` (revoked on logout and by a password change). Failed
logins are counted per account and client address in the rate-limit store, so the per-account
lockout columns go. Each event gets a cap on new public registrations per hour.

Revision ID: 3c5e0d2b9a41
Revises: e7615b066516
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '3c5e0d2b9a41'
down_revision = 'e7615b066516'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', crm.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash')),
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_registrations_per_hour', sa.Integer(), server_default='100', nullable=False))
        batch_op.create_check_constraint('public_registrations_per_hour_not_negative', 'public_registrations_per_hour >= 0')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_public_registrations_per_hour_not_negative'), type_='check')
        batch_op.drop_column('public_registrations_per_hour')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', crm.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))

    op.drop_table('user_sessions')
