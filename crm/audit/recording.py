"""Writing the audit entries: a session listener over the audited tables, so that every door
(pages, API, CSV import, command line, worker) is recorded without a service asking for it.

After each flush, while the session still knows what the flush wrote, one INSERT adds an entry
for each created, changed or deleted row of an audited table, in the same transaction: a change
rolled back takes its entry with it. Values are taken from what the session holds, so recording
runs no SELECT, except for an old value the session never read (a row changed after a commit
expired it). Bulk ``update()``/``delete()`` statements bypass the session and are not
recorded; a service that inserts in bulk (the CSV import) records its rows with
``record_inserted``.
"""

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import InstanceState, Session, UOWTransaction
from sqlalchemy.orm.attributes import NO_VALUE

from crm.audit.actor import Actor, current_actor
from crm.audit.models import AUDIT_ENTRIES, AuditAction, AuditEntry
from crm.db import utcnow
from crm.extensions import db

# Never recorded on any table: the row's own id and bookkeeping the entry states itself.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class Audited:
    """How the rows of one table are recorded.

    ``secrets`` are never written to the log (hashes of passwords and tokens, the nonce of a
    private link); ``derived`` are columns the application keeps in step by itself (a sort
    key, a version counter, the moment of the last login), left out as noise.
    ``company_column`` names the company the row belongs to.
    """

    kind: str
    company_column: str | None = "company_id"
    secrets: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()

    @property
    def skipped(self) -> frozenset[str]:
        return BOOKKEEPING | self.secrets | self.derived


AUDITED: dict[str, Audited] = {
    "companies": Audited(
        "company", company_column="id", derived=frozenset({"version", "normalised_name"})
    ),
    "contacts": Audited("contact"),
    "activities": Audited("activity"),
    "follow_up_tasks": Audited("task"),
    "partner_links": Audited("partner_link"),
    "events": Audited("event", company_column=None, derived=frozenset({"sort_at", "sequence"})),
    "registrations": Audited(
        "registration", secrets=frozenset({"manage_nonce"}), derived=frozenset({"sequence"})
    ),
    "users": Audited(
        "user",
        company_column=None,
        secrets=frozenset({"password_hash"}),
        derived=frozenset({"last_login_at"}),
    ),
    "api_tokens": Audited(
        "api_token",
        company_column=None,
        secrets=frozenset({"token_hash"}),
        derived=frozenset({"last_used_at"}),
    ),
}
UNKNOWN_BEFORE = "audit_unknown_old_values"
RECORD_KINDS = tuple(audited.kind for audited in AUDITED.values())


class AuditLogIsAppendOnly(Exception):
    """An audit entry was changed or deleted through the session."""


def plain(value: Any) -> Any:
    """A column value as JSON holds it."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.loads(json.dumps(value, default=str))


def held_values(state: InstanceState[Any], audited: Audited) -> dict[str, Any]:
    """The values a created or deleted row holds, without the empty ones (null, "", false)."""
    values = state.dict
    return {
        attribute.key: plain(values[attribute.key])
        for attribute in state.mapper.column_attrs
        if attribute.key not in audited.skipped and not is_empty(values.get(attribute.key))
    }


def is_empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


def changed_values(
    state: InstanceState[Any], audited: Audited, unknown_before: dict[str, Any]
) -> dict[str, list[Any]]:
    changes = {}
    for attribute in state.mapper.column_attrs:
        if attribute.key in audited.skipped:
            continue
        history = state.attrs[attribute.key].history  # what the session holds, never loaded
        if not history.added and not history.deleted:
            continue
        old = plain(history.deleted[0] if history.deleted else unknown_before.get(attribute.key))
        new = plain(history.added[0]) if history.added else None
        if old != new:
            changes[attribute.key] = [old, new]
    return changes


def tags_changed(state: InstanceState[Any], audited: Audited) -> dict[str, list[Any]]:
    """Tag lists (a company's needs, the partners a registrant asks to meet) as ``[removed,
    added]``, each named by its slug."""
    changes = {}
    for relationship in state.mapper.relationships:
        if relationship.secondary is None or relationship.key in audited.skipped:
            continue
        history = state.attrs[relationship.key].history
        if history.added or history.deleted:
            removed = sorted(named(row) for row in history.deleted)
            added = sorted(named(row) for row in history.added)
            changes[relationship.key] = [removed or None, added or None]
    return changes


def named(row: Any) -> str:
    return str(getattr(row, "slug", None) or row.id)


def entry_for(
    state: InstanceState[Any],
    action: AuditAction,
    audited: Audited,
    unknown_before: dict[str, Any],
) -> dict[str, Any] | None:
    if action is AuditAction.created:
        held = held_values(state, audited)
        changes = {key: [None, value] for key, value in held.items()}
        changes |= tags_changed(state, audited)
    elif action is AuditAction.deleted:
        changes = {key: [value, None] for key, value in held_values(state, audited).items()}
    else:
        changes = changed_values(state, audited, unknown_before)
        changes |= tags_changed(state, audited)
        if not changes:
            return None
    values = state.dict
    return {
        "action": action,
        "record_kind": audited.kind,
        "record_id": state.key[1][0] if state.key else values["id"],
        "company_id": values.get(audited.company_column) if audited.company_column else None,
        "changes": changes,
    }


@event.listens_for(Session, "before_flush")
def refuse_changes_to_entries(session: Session, flush_context: Any, instances: Any) -> None:
    if any(isinstance(row, AuditEntry) for row in (*session.dirty, *session.deleted)):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "before_flush")
def read_unknown_old_values(session: Session, flush_context: Any, instances: Any) -> None:
    """A value set on a row whose values had expired (after a commit) was never read, so its
    old value is unknown to the session: read those few from the database before the flush
    overwrites them. Rows read before they were changed, as in a request, need no query."""
    unknown: dict[InstanceState[Any], dict[str, Any]] = {}
    for row in session.dirty:
        state = inspect(row)
        audited = AUDITED.get(getattr(state.class_, "__tablename__", ""))
        if audited is None or state.key is None:
            continue
        keys = [
            key
            for key, original in state.committed_state.items()
            if original is NO_VALUE
            and key in state.mapper.column_attrs
            and key not in audited.skipped
        ]
        if keys:
            columns = [state.mapper.column_attrs[key].columns[0] for key in keys]
            primary_key = state.mapper.primary_key[0]
            found = session.connection().execute(
                select(*columns).where(primary_key == state.key[1][0])
            )
            unknown[state] = dict(zip(keys, found.one(), strict=True))
    session.info[UNKNOWN_BEFORE] = unknown


@event.listens_for(Session, "after_flush")
def record_flushed_rows(session: Session, flush_context: UOWTransaction) -> None:
    """One entry per audited row the flush wrote; the session still holds the values before
    the flush (its new, changed and deleted objects and their attribute history)."""
    created = {id(row) for row in session.new}
    unknown_before = session.info.pop(UNKNOWN_BEFORE, {})
    entries = []
    for state, (is_delete, is_list_only) in flush_context.states.items():
        audited = AUDITED.get(getattr(state.class_, "__tablename__", ""))
        if audited is None or is_list_only:
            continue
        if is_delete:
            action = AuditAction.deleted
        elif id(state.obj()) in created:
            action = AuditAction.created
        else:
            action = AuditAction.changed
        entry = entry_for(state, action, audited, unknown_before.get(state, {}))
        if entry is not None:
            entries.append(entry)
    if entries:
        write(session, entries, current_actor())


def write(session: Session, entries: list[dict[str, Any]], actor: Actor) -> None:
    common = {
        "occurred_at": utcnow(),
        "actor_name": actor.name,
        "actor_user_id": actor.user_id,
        "actor_token_id": actor.token_id,
        "channel": actor.channel,
    }
    session.connection().execute(insert(AUDIT_ENTRIES), [common | entry for entry in entries])


def record_inserted(
    table: str,
    rows: Sequence[Mapping[str, Any]],
    tags: Mapping[str, Sequence[Sequence[str]]] | None = None,
) -> None:
    """Entries for rows a bulk ``insert()`` wrote, which no flush sees: each row as inserted,
    with its ``id``; ``tags`` gives, per tag list (e.g. ``needs``), each row's slugs."""
    audited = AUDITED[table]
    entries = []
    for number, row in enumerate(rows):
        changes = {
            key: [None, plain(value)]
            for key, value in row.items()
            if key not in audited.skipped and not is_empty(value)
        }
        for key, slugs in (tags or {}).items():
            if slugs[number]:
                changes[key] = [None, sorted(slugs[number])]
        entries.append(
            {
                "action": AuditAction.created,
                "record_kind": audited.kind,
                "record_id": row["id"],
                "company_id": row.get(audited.company_column) if audited.company_column else None,
                "changes": changes,
            }
        )
    if entries:
        write(db.session(), entries, current_actor())
