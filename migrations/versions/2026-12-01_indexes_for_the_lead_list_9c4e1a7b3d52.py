"""leads: indexes for the company list's orders, its country filter and its search

Revision ID: 9c4e1a7b3d52
Revises: 15f18b6b1298
Create Date: 2026-12-01 15:10:00

On PostgreSQL the search by part of a word (LIKE and ILIKE '%term%') is served by trigram
indexes of the extension pg_trgm, which CREATE EXTENSION needs a superuser or, as a trusted
extension since PostgreSQL 13, the database owner for; SQLite has none and scans, with the same
results.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4e1a7b3d52'
down_revision = '15f18b6b1298'
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = (
    ('ix_companies_name_trigrams', 'companies', 'name'),
    ('ix_companies_normalised_name_trigrams', 'companies', 'normalised_name'),
    ('ix_companies_domain_trigrams', 'companies', 'domain'),
    ('ix_companies_city_trigrams', 'companies', 'city'),
    ('ix_companies_codename_trigrams', 'companies', 'codename'),
    ('ix_contacts_name_trigrams', 'contacts', 'name'),
    ('ix_contacts_email_trigrams', 'contacts', 'email'),
)


def upgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(
            'ix_companies_archived_name', ['is_archived', 'normalised_name', 'id'], unique=False
        )
        batch_op.create_index(
            'ix_companies_archived_created', ['is_archived', 'created_at'], unique=False
        )
        batch_op.create_index(
            'ix_companies_archived_updated', ['is_archived', 'updated_at'], unique=False
        )
        batch_op.create_index(
            'ix_companies_country_name', ['country', 'normalised_name'], unique=False
        )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_company_id'), ['company_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for name, table, expression in TRIGRAM_INDEXES:
            op.execute(f'CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name, _, _ in TRIGRAM_INDEXES:
            op.execute(f'DROP INDEX {name}')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_company_id'))
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index('ix_companies_country_name')
        batch_op.drop_index('ix_companies_archived_updated')
        batch_op.drop_index('ix_companies_archived_created')
        batch_op.drop_index('ix_companies_archived_name')
