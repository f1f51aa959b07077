"""Reading the audit log (filtered, a page at a time), the entries about a person for their
data export, and scrubbing a person's data out of the entries when they are erased."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    bindparam,
    false,
    func,
    or_,
    select,
    text,
    type_coerce,
    update,
)

from crm.audit.actor import CHANNELS
from crm.audit.models import AUDIT_ENTRIES, AuditEntry, JSONText
from crm.audit.recording import RECORD_KINDS
from crm.extensions import db

PAGE_SIZE = 50
MAX_NUMBER = 2**31 - 1
ERASED = "[erased]"


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_NUMBER else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditFilters:
    """What the admin page shows, read from the URL: anything unknown is left out."""

    kind: str = ""
    record: int | None = None
    company: int | None = None
    actor: str = ""
    channel: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "AuditFilters":
        kind = args.get("kind", "")
        channel = args.get("channel", "")
        return cls(
            kind=kind if kind in RECORD_KINDS else "",
            record=_number(args.get("record", "")),
            company=_number(args.get("company", "")),
            actor=args.get("actor", "").strip()[:254],
            channel=channel if channel in CHANNELS else "",
            since=_day(args.get("since", "")),
            until=_day(args.get("until", "")),
            page=_number(args.get("page", "")) or 1,
        )

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this view with ``changes``; defaults are left out."""
        defaults = asdict(AuditFilters())
        values = asdict(replace(self, **changes))
        return {key: value for key, value in values.items() if value != defaults[key]}

    def conditions(self, zone: Any) -> list[ColumnElement[bool]]:
        """The filters as SQL; days are the reader's, in ``zone``."""
        conditions: list[ColumnElement[bool]] = []
        if self.kind:
            conditions.append(AuditEntry.record_kind == self.kind)
        if self.record is not None:
            conditions.append(AuditEntry.record_id == self.record)
        if self.company is not None:
            conditions.append(AuditEntry.company_id == self.company)
        if self.actor:
            actor = self.actor.lower()
            conditions.append(func.lower(AuditEntry.actor_name).contains(actor, autoescape=True))
        if self.channel:
            conditions.append(AuditEntry.channel == self.channel)
        if self.since is not None:
            conditions.append(AuditEntry.occurred_at >= datetime.combine(self.since, time(), zone))
        if self.until is not None:
            next_day = self.until + timedelta(days=1)
            conditions.append(AuditEntry.occurred_at < datetime.combine(next_day, time(), zone))
        return conditions


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    filters: AuditFilters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def audit_page(filters: AuditFilters, zone: Any) -> AuditPage:
    """One page of entries, newest first, in two queries."""
    conditions = filters.conditions(zone)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    entries = db.session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    return AuditPage(list(entries), total, filters)


def _about(records: Iterable[tuple[str, int]], mentions: Iterable[str]) -> ColumnElement[bool]:
    """Entries about these records, or whose values mention one of these texts."""
    conditions: list[ColumnElement[bool]] = [
        (AuditEntry.record_kind == kind) & (AuditEntry.record_id == record_id)
        for kind, record_id in records
    ]
    conditions += [
        type_coerce(AuditEntry.changes, Text).contains(_as_stored(mention), autoescape=True)
        for mention in mentions
        if mention
    ]
    return or_(*conditions) if conditions else false()


def _as_stored(mention: str) -> str:
    """A text as it is written inside the stored JSON."""
    return json.dumps(mention, ensure_ascii=False)[1:-1]


def entries_about(
    records: Iterable[tuple[str, int]], mentions: Iterable[str]
) -> list[dict[str, Any]]:
    """The entries about a person, as their data export gives them."""
    entries = db.session.scalars(
        select(AuditEntry).where(_about(records, mentions)).order_by(AuditEntry.id)
    )
    return [
        {
            "at": entry.occurred_at.isoformat(),
            "action": entry.action.value,
            "record": f"{entry.record_kind} {entry.record_id}",
            "by": entry.actor_name,
            "channel": entry.channel,
            "changes": entry.changes,
        }
        for entry in entries
    ]


def scrub_personal_data(records: Iterable[tuple[str, int]], mentions: Iterable[str]) -> int:
    """Erase a person from the log: every value of the entries about their records, and each
    mention of them in any other entry. Which record changed how, when and by whom stays.
    Returns how many entries were rewritten."""
    records = {(kind, record_id) for kind, record_id in records}
    mentions = sorted({mention for mention in mentions if mention}, key=len, reverse=True)
    rows = db.session.execute(
        select(
            AuditEntry.id, AuditEntry.record_kind, AuditEntry.record_id, AuditEntry.changes
        ).where(_about(records, mentions))
    ).all()
    rewritten = []
    for entry_id, kind, record_id, changes in rows:
        if (kind, record_id) in records:
            scrubbed = {
                field: [_erased(old), _erased(new)] for field, (old, new) in changes.items()
            }
        else:
            scrubbed = _without(changes, mentions)
        if scrubbed != changes:
            rewritten.append({"entry_id": entry_id, "scrubbed": scrubbed})
    if rewritten:
        _allow_erasure(True)
        db.session.connection().execute(
            update(AUDIT_ENTRIES)
            .where(AUDIT_ENTRIES.c.id == bindparam("entry_id"))
            .values(changes=bindparam("scrubbed", type_=JSONText())),
            rewritten,
        )
        _allow_erasure(False)
    return len(rewritten)


def _erased(value: Any) -> Any:
    return None if value is None else ERASED


def _without(value: Any, mentions: list[str]) -> Any:
    if isinstance(value, str):
        for mention in mentions:
            value = value.replace(mention, ERASED)
        return value
    if isinstance(value, list):
        return [_without(item, mentions) for item in value]
    if isinstance(value, dict):
        return {key: _without(item, mentions) for key, item in value.items()}
    return value


def _allow_erasure(allowed: bool) -> None:
    """On PostgreSQL a trigger refuses to change entries unless the transaction says it erases."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT set_config('crm.audit_erasure', :value, true)"),
            {"value": "on" if allowed else "off"},
        )
