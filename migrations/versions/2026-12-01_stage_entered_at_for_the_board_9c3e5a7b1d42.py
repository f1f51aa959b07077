"""board: when each company entered its current stage

Revision ID: 9c3e5a7b1d42
Revises: f69a56a65e17
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '9c3e5a7b1d42'
down_revision = 'f69a56a65e17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage_entered_at', crm.db.UTCDateTime(timezone=True), nullable=True))
    # The last recorded move, or the creation for a company that never moved.
    op.execute(
        "UPDATE companies SET stage_entered_at = COALESCE("
        "(SELECT max(changed_at) FROM stage_changes WHERE stage_changes.company_id = companies.id),"
        " created_at)"
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.alter_column('stage_entered_at', existing_type=crm.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.create_index(
            'ix_companies_stage_stage_entered_at', ['stage', 'stage_entered_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index('ix_companies_stage_stage_entered_at')
        batch_op.drop_column('stage_entered_at')
