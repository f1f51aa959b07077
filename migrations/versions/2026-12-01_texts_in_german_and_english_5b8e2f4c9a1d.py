"""texts in German and English: capability labels and groups, partner descriptions, event
titles, descriptions and venues

The texts written so far are kept as the English ones: the application's default language, the
one its forms and seed data were written in. The cluster's known capability tags get their German
label and their group; other tags go to the group "other" with the German label left empty (the
English one shows until staff fill it in).

Revision ID: 5b8e2f4c9a1d
Revises: 3c5e0d2b9a41
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f4c9a1d'
down_revision = '3c5e0d2b9a41'
branch_labels = None
depends_on = None

GROUPS = ('production', 'diagnostics', 'analytics', 'research', 'regulatory', 'handling', 'facilities', 'other')

# The cluster's tags as seeded then: slug -> (group, German label).
KNOWN_TAGS = {
    'radiopharmaceutical-precursors': ('production', 'Radiopharmazeutische Vorprodukte'),
    'reagent-kits': ('production', 'Reagenzienkits'),
    'cassette-systems': ('production', 'Kassettensysteme'),
    'gmp-production': ('production', 'GMP-gerechte Herstellung'),
    'radiopharmaceutical-manufacturing': ('production', 'Herstellung von Radiopharmaka'),
    'parkinson-diagnostics': ('diagnostics', 'Parkinson-Diagnostik mit Iod-123'),
    'psma-diagnostics': ('diagnostics', 'PSMA-Diagnostik bei Prostatakrebs'),
    'molecular-diagnostics': ('diagnostics', 'Molekulardiagnostische Testsysteme'),
    'biomarkers': ('diagnostics', 'Biomarker'),
    'theranostics': ('diagnostics', 'Theranostik'),
    'radiopharmaceutical-analytics': ('analytics', 'Radiopharmazeutische Analytik'),
    'sterility-testing': ('analytics', 'Sterilitätsprüfung'),
    'hplc': ('analytics', 'HPLC-Analytik'),
    'particle-analysis': ('analytics', 'Partikelanalytik'),
    'new-radiopharmaceuticals': ('research', 'Entwicklung neuer Radiopharmaka'),
    'radiopharmaceutical-research': ('research', 'Forschung an diagnostischen und therapeutischen Radiopharmaka'),
    'pet-imaging-algorithms': ('research', 'Algorithmen für die PET-Bildgebung'),
    'radio-immunotherapeutics': ('research', 'Radioimmuntherapeutika'),
    'contract-research': ('regulatory', 'Auftragsforschung'),
    'clinical-trials': ('regulatory', 'Klinische Studien'),
    'regulatory-services': ('regulatory', 'Regulatorische Dienstleistungen'),
    'radioactive-handling': ('handling', 'Umgang mit radioaktiven Stoffen'),
    'radioactive-recycling': ('handling', 'Recycling radioaktiver Stoffe'),
    'radioactive-transport': ('handling', 'Transport radioaktiver Stoffe'),
    'hot-cells': ('facilities', 'Heiße Zellen nach Maß'),
    'in-cell-equipment': ('facilities', 'Ausrüstung für heiße Zellen'),
    'laboratory-software': ('facilities', 'Software für Laborprozesse'),
}

# (table, text that was single-language, its type, nullable then)
TEXTS = [
    ('capabilities', 'label', sa.String(length=120), False),
    ('partners', 'description', sa.Text(), False),
    ('events', 'title', sa.String(length=200), False),
    ('events', 'description', sa.Text(), False),
    ('events', 'venue', sa.String(length=200), True),
]
TABLES = ('capabilities', 'partners', 'events')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text_table, name, type_, _ in TEXTS:
                if text_table == table:
                    batch_op.add_column(sa.Column(f'{name}_en', type_, nullable=True))
                    batch_op.add_column(sa.Column(f'{name}_de', type_, nullable=True))
            if table == 'capabilities':
                batch_op.add_column(
                    sa.Column('group', sa.Enum(*GROUPS, name='capability_group', native_enum=False), nullable=True)
                )

    connection = op.get_bind()
    for table, name, type_, _ in TEXTS:
        rows = sa.table(table, sa.column(name, type_), sa.column(f'{name}_en', type_), sa.column(f'{name}_de', type_))
        connection.execute(
            rows.update().values(
                {f'{name}_en': sa.func.coalesce(rows.c[name], ''), f'{name}_de': ''}
            )
        )
    capabilities = sa.table(
        'capabilities', sa.column('slug', sa.String), sa.column('label_de', sa.String), sa.column('group', sa.String)
    )
    connection.execute(capabilities.update().values(group='other'))
    for slug, (group, label_de) in KNOWN_TAGS.items():
        connection.execute(
            capabilities.update().where(capabilities.c.slug == slug).values(group=group, label_de=label_de)
        )

    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text_table, name, type_, _ in TEXTS:
                if text_table == table:
                    for language in ('en', 'de'):
                        batch_op.alter_column(f'{name}_{language}', existing_type=type_, nullable=False)
                    batch_op.drop_column(name)
            if table == 'capabilities':
                batch_op.alter_column(
                    'group',
                    existing_type=sa.Enum(*GROUPS, name='capability_group', native_enum=False),
                    nullable=False,
                )
                allowed = ", ".join(f"'{group}'" for group in GROUPS)
                batch_op.create_check_constraint('capability_group', f'"group" IN ({allowed})')


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text_table, name, type_, nullable in TEXTS:
                if text_table == table:
                    batch_op.add_column(sa.Column(name, type_, nullable=True))

    # The English text, else the German one.
    connection = op.get_bind()
    for table, name, type_, _ in TEXTS:
        rows = sa.table(table, sa.column(name, type_), sa.column(f'{name}_en', type_), sa.column(f'{name}_de', type_))
        english, german = rows.c[f'{name}_en'], rows.c[f'{name}_de']
        connection.execute(
            rows.update().values({name: sa.case((english != '', english), else_=german)})
        )

    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'capabilities':
                batch_op.drop_constraint(op.f('ck_capabilities_capability_group'), type_='check')
                batch_op.drop_column('group')
            for text_table, name, type_, nullable in TEXTS:
                if text_table == table:
                    batch_op.alter_column(name, existing_type=type_, nullable=nullable)
                    batch_op.drop_column(f'{name}_de')
                    batch_op.drop_column(f'{name}_en')
