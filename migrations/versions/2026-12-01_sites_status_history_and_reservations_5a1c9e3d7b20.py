"""sites on offer, their status history and the reservations made for leads

Revision ID: 5a1c9e3d7b20
Revises: 4b1e2c9d7a10
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '5a1c9e3d7b20'
down_revision = '4b1e2c9d7a10'
branch_labels = None
depends_on = None

SITE_STATUSES = ('available', 'reserved', 'taken')


def one_of(column, values):
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def in_range(column, low, high):
    return f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})"


def upgrade():
    op.create_table(
        'sites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('location', sa.Enum('rossendorf', 'radeberg', 'other', name='site_location', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('area_m2', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('plot', 'office', 'lab', 'production', 'cleanroom', 'controlled_area', name='site_kind', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('cleanroom_class', sa.Enum('a', 'b', 'c', 'd', name='cleanroom_class', native_enum=False, create_constraint=True), nullable=True),
        sa.Column('is_gmp_ready', sa.Boolean(), nullable=False),
        sa.Column('is_hot_cell_capable', sa.Boolean(), nullable=False),
        sa.Column('is_radiation_licence_possible', sa.Boolean(), nullable=False),
        sa.Column('power_kva', sa.Integer(), nullable=True),
        sa.Column('floor_load_kn_m2', sa.Integer(), nullable=True),
        sa.Column('available_from', sa.Date(), nullable=True),
        sa.Column('price_basis', sa.Enum('rent_per_m2_month', 'sale', name='price_basis', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('price_min_eur', sa.Integer(), nullable=True),
        sa.Column('price_max_eur', sa.Integer(), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum(*SITE_STATUSES, name='site_status', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('is_archived', sa.Boolean(), nullable=False),
        sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(in_range('area_m2', 1, 10_000_000), name=op.f('ck_sites_area_m2_range')),
        sa.CheckConstraint(in_range('power_kva', 0, 1_000_000), name=op.f('ck_sites_power_kva_range')),
        sa.CheckConstraint(in_range('floor_load_kn_m2', 0, 1_000), name=op.f('ck_sites_floor_load_kn_m2_range')),
        sa.CheckConstraint(in_range('price_min_eur', 0, 10**12), name=op.f('ck_sites_price_min_eur_range')),
        sa.CheckConstraint(in_range('price_max_eur', 0, 10**12), name=op.f('ck_sites_price_max_eur_range')),
        sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_sites_latitude_range')),
        sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_sites_longitude_range')),
        sa.CheckConstraint('price_min_eur IS NULL OR price_max_eur IS NULL OR price_min_eur <= price_max_eur', name=op.f('ck_sites_price_order')),
        sa.CheckConstraint("(kind = 'cleanroom') = (cleanroom_class IS NOT NULL)", name=op.f('ck_sites_cleanroom_has_class')),
        sa.ForeignKeyConstraint(['taken_by_id'], ['companies.id'], name=op.f('fk_sites_taken_by_id_companies'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_taken_by_id'), ['taken_by_id'], unique=False)

    op.create_table(
        'site_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('from_status', sa.Enum(*SITE_STATUSES, name='from_site_status', native_enum=False, create_constraint=True), nullable=True),
        sa.Column('to_status', sa.Enum(*SITE_STATUSES, name='to_site_status', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_site_status_changes_company_id_companies'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_site_status_changes_changed_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_status_changes_site_id_sites'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_status_changes')),
    )
    with op.batch_alter_table('site_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_status_changes_site_id'), ['site_id'], unique=False)

    op.create_table(
        'site_reservations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('active', 'released', 'expired', 'taken', name='reservation_status', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', crm.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_site_reservations_ends_after_start')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_site_reservations_company_id_companies'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_site_reservations_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_reservations_site_id_sites'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_reservations')),
    )
    with op.batch_alter_table('site_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_reservations_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_site_reservations_site_id_status', ['site_id', 'status'], unique=False)


def downgrade():
    op.drop_table('site_reservations')
    op.drop_table('site_status_changes')
    op.drop_table('sites')
