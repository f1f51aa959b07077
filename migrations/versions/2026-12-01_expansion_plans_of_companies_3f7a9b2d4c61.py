"""aftercare: the expansion plans of a company

Revision ID: 3f7a9b2d4c61
Revises: 8d2f4a6c1e37
Create Date: 2026-12-01 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f7a9b2d4c61'
down_revision = '8d2f4a6c1e37'
branch_labels = None
depends_on = None


def upgrade():
    # Filled for the companies there are; new rows get their value from the application.
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expansion_plans', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.alter_column('expansion_plans', server_default=None)


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('expansion_plans')
