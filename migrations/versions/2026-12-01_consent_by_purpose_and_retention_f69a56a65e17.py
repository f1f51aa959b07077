"""consent by purpose (registration, follow-up, partner sharing) and retention per event

Every registration there is had agreed to the one text of the form then: it gets a consent
row for handling the registration with that version, the registrant's language and the time
it was given. Nobody had been asked the optional purposes on their own, so no row for them.

Revision ID: f69a56a65e17
Revises: 9c4e1a7b2f58
Create Date: 2026-12-01 14:49:48.176600

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'f69a56a65e17'
down_revision = '9c4e1a7b2f58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.Enum('registration', 'follow_up', 'partner_sharing', name='consent_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text_version', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('given_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_consents_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_consents_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consents_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('uq_consents_live_registration_purpose', ['registration_id', 'purpose'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'retention_months_in_range',
            'retention_months IS NULL OR retention_months BETWEEN 1 AND 120',
        )

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', crm.db.UTCDateTime(timezone=True), nullable=True))

    op.execute(
        "INSERT INTO consents (registration_id, contact_id, purpose, text_version, language, given_at)"
        " SELECT id, contact_id, 'registration', consent_version, language, consent_at"
        " FROM registrations"
    )


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('retention_months_in_range', type_='check')
        batch_op.drop_column('retention_months')

    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('uq_consents_live_registration_purpose', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_consents_registration_id'))
        batch_op.drop_index(batch_op.f('ix_consents_contact_id'))

    op.drop_table('consents')
