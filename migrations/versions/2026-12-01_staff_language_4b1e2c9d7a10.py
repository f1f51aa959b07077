"""staff language

Revision ID: 4b1e2c9d7a10
Revises: 5b8e2f4c9a1d
Create Date: 2026-12-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b1e2c9d7a10'
down_revision = '5b8e2f4c9a1d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=2), server_default='en', nullable=False)
        )
        batch_op.create_check_constraint('language_known', "language IN ('en', 'de')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_language_known'), type_='check')
        batch_op.drop_column('language')
