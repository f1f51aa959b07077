"""states and ranges checked by the database; event status times; reply-to of queued mail

Every enum column gets a CHECK of its values, the company numbers their ranges and the country
its two-letter upper-case form. Values that never passed the application's rules are cleared
first, so that an existing database with data upgrades.

Revision ID: e7615b066516
Revises: 7064e9f60f47
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'e7615b066516'
down_revision = '7064e9f60f47'
branch_labels = None
depends_on = None

STAGES = ('enquiry', 'qualified', 'active', 'site_visit', 'decision', 'landed', 'lost', 'on_hold', 'dormant')
LINK_STATUSES = ('suggested', 'introduced', 'in_contact', 'collaborating', 'declined')

# (table, column, constraint name, allowed values)
STATES = [
    ('events', 'status', 'event_status', ('draft', 'published', 'cancelled')),
    ('partners', 'kind', 'partner_kind', ('company', 'research', 'hospital', 'network')),
    ('users', 'role', 'user_role', ('viewer', 'staff', 'admin')),
    ('api_tokens', 'scope', 'api_scope', ('read', 'write')),
    ('companies', 'stage', 'company_stage', STAGES),
    ('companies', 'source', 'lead_source', ('event', 'referral', 'web', 'direct')),
    ('companies', 'investment_type', 'investment_type', ('new_site', 'expansion', 'acquisition', 'joint_venture', 'retention')),
    ('activities', 'kind', 'activity_kind', ('note', 'call', 'meeting', 'email', 'site_visit', 'registration', 'mail_sent', 'system')),
    ('partner_links', 'status', 'partner_link_status', LINK_STATUSES),
    ('partner_links', 'source', 'partner_link_source', ('staff', 'suggestion', 'event')),
    ('stage_changes', 'from_stage', 'from_stage', STAGES),
    ('stage_changes', 'to_stage', 'to_stage', STAGES),
    ('partner_link_changes', 'from_status', 'from_status', LINK_STATUSES),
    ('partner_link_changes', 'to_status', 'to_status', LINK_STATUSES),
    ('registrations', 'status', 'registration_status', ('confirmed', 'waitlisted', 'cancelled')),
    ('outbox_messages', 'status', 'outbox_status', ('pending', 'sending', 'sent', 'failed', 'cancelled')),
]
MAX_COUNT = 1_000_000_000
RANGES = [
    ('new_jobs', MAX_COUNT),
    ('safeguarded_jobs', MAX_COUNT),
    ('capex_eur', 10**15),
    ('likelihood_percent', 100),
    ('site_area_m2', MAX_COUNT),
]


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', crm.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', crm.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE events SET published_at = updated_at WHERE status IN ('published', 'cancelled')")
    op.execute("UPDATE events SET cancelled_at = updated_at WHERE status = 'cancelled'")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('reply_to_name', sa.String(length=200), nullable=True))
    # Mail about a registration answers to the event's organiser, as it did when it was queued.
    for column in ('email', 'name'):
        op.execute(
            f"UPDATE outbox_messages SET reply_to_{column} = ("
            f" SELECT events.organiser_{column} FROM registrations"
            " JOIN events ON events.id = registrations.event_id"
            " WHERE registrations.id = outbox_messages.registration_id)"
            " WHERE registration_id IS NOT NULL"
        )

    for column, high in RANGES:
        op.execute(f"UPDATE companies SET {column} = NULL WHERE {column} < 0 OR {column} > {high}")
    op.execute("UPDATE companies SET country = upper(country) WHERE country IS NOT NULL")
    op.execute("UPDATE companies SET country = NULL WHERE length(country) != 2")

    tables = sorted({table for table, *_ in STATES})
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for state_table, column, name, values in STATES:
                if state_table == table:
                    allowed = ", ".join(f"'{value}'" for value in values)
                    batch_op.create_check_constraint(name, f"{column} IN ({allowed})")
            if table == 'companies':
                for column, high in RANGES:
                    batch_op.create_check_constraint(
                        f"{column}_range",
                        f"{column} IS NULL OR ({column} >= 0 AND {column} <= {high})",
                    )
                batch_op.create_check_constraint(
                    "country_code",
                    "country IS NULL OR (length(country) = 2 AND country = upper(country))",
                )


def downgrade():
    tables = sorted({table for table, *_ in STATES})
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for state_table, _, name, _ in STATES:
                if state_table == table:
                    batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
            if table == 'companies':
                for column, _ in RANGES:
                    batch_op.drop_constraint(op.f(f"ck_companies_{column}_range"), type_="check")
                batch_op.drop_constraint(op.f("ck_companies_country_code"), type_="check")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('reply_to_name')
        batch_op.drop_column('reply_to_email')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('published_at')
