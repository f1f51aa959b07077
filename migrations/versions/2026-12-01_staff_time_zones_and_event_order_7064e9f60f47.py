"""staff time zones and event order

Revision ID: 7064e9f60f47
Revises: aea19af5045a
Create Date: 2026-12-01 08:31:25.194179

"""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = '7064e9f60f47'
down_revision = 'aea19af5045a'
branch_labels = None
depends_on = None

events = sa.table(
    'events',
    sa.column('id', sa.Integer),
    sa.column('is_all_day', sa.Boolean),
    sa.column('starts_on', sa.Date),
    sa.column('starts_at', crm.db.UTCDateTime(timezone=True)),
    sa.column('timezone', sa.String),
    sa.column('sort_at', crm.db.UTCDateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_at', crm.db.UTCDateTime(timezone=True), nullable=True))

    # Existing events: the instant each begins (midnight local time on the first day if all-day).
    connection = op.get_bind()
    for row in connection.execute(sa.select(events)).all():
        begins = (
            datetime.combine(row.starts_on, time(), ZoneInfo(row.timezone)).astimezone(UTC)
            if row.is_all_day
            else row.starts_at
        )
        connection.execute(events.update().where(events.c.id == row.id).values(sort_at=begins))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('sort_at', existing_type=crm.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_events_sort_at'), ['sort_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='Europe/Berlin', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_sort_at'))
        batch_op.drop_column('sort_at')
