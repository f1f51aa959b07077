"""regulatory roadmaps: a template admins keep and each lead's steps

Revision ID: 8d2f4a6c1e37
Revises: c9e1f3a7d250
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '8d2f4a6c1e37'
down_revision = 'c9e1f3a7d250'
branch_labels = None
depends_on = None

STEP_STATUSES = ('open', 'in_progress', 'granted', 'refused', 'not_needed')

def in_range(column, low, high):
    return f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})"


def upgrade():
    op.create_table(
        'roadmap_template_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('authority', sa.String(length=200), nullable=False),
        sa.CheckConstraint(in_range('position', 0, 1000), name=op.f('ck_roadmap_template_steps_position_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_template_steps')),
    )
    op.create_table(
        'roadmap_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('authority', sa.String(length=200), nullable=False),
        sa.Column('status', sa.Enum(*STEP_STATUSES, name='roadmap_step_status', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('planned_on', sa.Date(), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(in_range('position', 0, 1000), name=op.f('ck_roadmap_steps_position_range')),
        sa.CheckConstraint("done_on IS NULL OR status IN ('granted', 'refused', 'not_needed')", name=op.f('ck_roadmap_steps_done_only_when_settled')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_roadmap_steps_company_id_companies'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_roadmap_steps_owner_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_steps')),
    )
    with op.batch_alter_table('roadmap_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadmap_steps_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadmap_steps_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roadmap_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadmap_steps_owner_id'))
        batch_op.drop_index(batch_op.f('ix_roadmap_steps_company_id'))
    op.drop_table('roadmap_steps')
    op.drop_table('roadmap_template_steps')
