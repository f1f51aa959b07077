"""An audit entry: one created, changed or deleted record, with the changed values."""

import enum
import json
from datetime import datetime
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, Dialect, Enum, Index, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from crm.db import utcnow
from crm.extensions import Model
from crm.i18n import Labelled, name_members


class AuditAction(Labelled, enum.Enum):
    created = "created"
    changed = "changed"
    deleted = "deleted"


name_members(
    {
        AuditAction.created: _l("created"),
        AuditAction.changed: _l("changed"),
        AuditAction.deleted: _l("deleted"),
    }
)


class JSONText(TypeDecorator[dict[str, Any]]):
    """JSON kept as plain text with its characters unescaped, so that the erasure of a person
    finds their name in it with ``LIKE`` on every database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else dict(json.loads(value))


class AuditEntry(Model):
    """One record created, changed or deleted, by whom and how.

    ``changes`` maps each recorded column to ``[old, new]`` (``old`` is null for a created
    record, ``new`` for a deleted one); a tag list (needs, partners to meet) to ``[removed,
    added]`` slugs. The record and the actor are named by id without foreign
    keys, so that an entry outlives the record and the account it names.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_record", "record_kind", "record_id"),
        Index("ix_audit_entries_company_id", "company_id"),
        Index("ix_audit_entries_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[AuditAction] = mapped_column(
        Enum(AuditAction, name="audit_action", native_enum=False, create_constraint=True)
    )
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    # The company the record belongs to (the company itself, or that of a contact, task, …).
    company_id: Mapped[int | None]
    # Who: a staff member's email, or the name of a system actor ("import", "worker", …).
    actor_name: Mapped[str] = mapped_column(String(254))
    actor_user_id: Mapped[int | None]
    actor_token_id: Mapped[int | None]
    # How: web, api, import, cli, worker or registration (the public form and private links).
    channel: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONText)


AUDIT_ENTRIES = cast(Table, AuditEntry.__table__)

# Entries are never changed nor deleted; only the erasure of a person may rewrite their values,
# inside a transaction that says so (crm.audit.services.scrub_personal_data).
APPEND_ONLY_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('crm.audit_erasure', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END
$$
"""
)
APPEND_ONLY_TRIGGER = DDL(
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
)
for statement in (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER):
    event.listen(AUDIT_ENTRIES, "after_create", statement.execute_if(dialect="postgresql"))
