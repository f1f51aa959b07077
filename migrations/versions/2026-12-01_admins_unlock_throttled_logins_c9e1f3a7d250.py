"""admins unlock throttled logins: the number of unlocks of each account keys its counters

Revision ID: c9e1f3a7d250
Revises: b4d7e2a91c08
Create Date: 2026-12-01 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e1f3a7d250'
down_revision = 'b4d7e2a91c08'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_unlocks', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('login_unlocks')
