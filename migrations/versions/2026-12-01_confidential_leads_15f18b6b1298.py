"""leads: confidential leads with a codename and a team

Revision ID: 15f18b6b1298
Revises: 9c3e5a7b1d42
Create Date: 2026-12-01 14:46:42

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15f18b6b1298'
down_revision = '9c3e5a7b1d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_team_members',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_team_members_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_company_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('company_id', 'user_id', name=op.f('pk_company_team_members'))
    )
    with op.batch_alter_table('company_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_team_members_user_id'), ['user_id'], unique=False)

    # Every company there is stays as it was: not confidential.
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_confidential', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('codename', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_companies_codename'), ['codename'])
        batch_op.create_check_constraint(
            'confidential_codename', 'NOT is_confidential OR codename IS NOT NULL'
        )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.alter_column('is_confidential', server_default=None)


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_companies_confidential_codename'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_companies_codename'), type_='unique')
        batch_op.drop_column('codename')
        batch_op.drop_column('is_confidential')

    with op.batch_alter_table('company_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_team_members_user_id'))

    op.drop_table('company_team_members')
