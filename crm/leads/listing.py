"""The company list: search, filters and sort read from the URL, so a view can be shared."""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    any_,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.leads.confidential import Reader, findable
from crm.leads.models import Company, Contact, FollowUpTask, LeadSource, Stage, company_needs
from crm.vocabulary.models import Capability

PAGE_SIZES = (25, 50, 100, 200)
MAX_PAGE = 100_000
# A calendar month, ``2026-05``.
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
NOT_A_MONTH = _l("Give the month of creation as year and month, for example 2026-05.")
SORTS: dict[str, Any] = {
    "name": Company.normalised_name,
    "updated": Company.updated_at,
    "created": Company.created_at,
    "moved": Company.stage_entered_at,
    "stage": Company.stage,
    "country": Company.country,
}


def text_match(q: str) -> ColumnElement[bool]:
    """Whether the company's name, domain or city, or one of its contacts' name or email, holds
    ``q`` in any case. On PostgreSQL every part is answered from the trigram index of its column
    (crm/leads/models.py): the contacts' companies are gathered first into an array, which the
    primary key looks up beside the other indexes. SQLite scans, with the same results."""
    pattern = f"%{q.lower()}%"
    by_contact = or_(Contact.name.ilike(pattern), Contact.email.like(pattern))
    if db.session.get_bind().dialect.name == "postgresql":
        contact_companies = select(func.array_agg(Contact.company_id)).where(by_contact)
        has_contact = Company.id == any_(cast(contact_companies.scalar_subquery(), ARRAY(Integer)))
    else:
        has_contact = Company.id.in_(select(Contact.company_id).where(by_contact))
    return or_(
        Company.name.ilike(pattern),
        Company.normalised_name.like(pattern),
        Company.domain.like(pattern),
        Company.city.ilike(pattern),
        has_contact,
    )


@dataclass(frozen=True)
class CompanyFilters:
    q: str = ""
    stage: str = ""
    owner: str = ""
    country: str = ""
    need: str = ""
    source: str = ""
    open_task: str = ""
    created: str = ""
    archived: str = ""
    sort: str = "name"
    page: int = 1
    per_page: int = PAGE_SIZES[0]

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "CompanyFilters":
        """Read the filters from query arguments; anything unknown falls back to the default."""

        def number(name: str, default: int) -> int:
            value = args.get(name, "")
            return int(value) if value.isdigit() and 0 < int(value) <= MAX_PAGE else default

        per_page = number("per_page", PAGE_SIZES[0])
        sort = args.get("sort", "name")
        created = args.get("created", "").strip()[:20]
        return cls(
            q=args.get("q", "").strip()[:200],
            stage=args.get("stage", "") if args.get("stage") in Stage.__members__ else "",
            owner=args.get("owner", "")
            if args.get("owner", "").isdigit() and len(args["owner"]) < 10
            else "",
            country=args.get("country", "").strip().upper()[:2],
            need=args.get("need", "").strip()[:80],
            source=args.get("source", "") if args.get("source") in LeadSource.__members__ else "",
            open_task=args.get("open_task", "") if args.get("open_task") in ("yes", "no") else "",
            created=created,
            archived="yes" if args.get("archived") == "yes" else "",
            sort=sort if sort.removeprefix("-") in SORTS else "name",
            page=number("page", 1),
            per_page=per_page if per_page in PAGE_SIZES else PAGE_SIZES[0],
        )

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this list with ``changes``; defaults are left out."""
        defaults = asdict(CompanyFilters())
        values = asdict(replace(self, **changes))
        return {key: value for key, value in values.items() if value != defaults[key]}

    def created_month(self) -> tuple[datetime, datetime] | None:
        """The first moment of the month asked for in ``created`` and of the month after (UTC,
        as the dashboard counts new leads), or None for no month or a value that is not one."""
        found = MONTH.match(self.created)
        if found is None:
            return None
        year, month = int(found["year"]), int(found["month"])
        if not 1 <= year < 9999:  # a month whose end a date can hold
            return None
        following_year, following_month = year + month // 12, month % 12 + 1
        return (
            datetime(year, month, 1, tzinfo=UTC),
            datetime(following_year, following_month, 1, tzinfo=UTC),
        )

    def errors(self) -> dict[str, str]:
        """A message for each filter whose value is not one it takes, by its name."""
        if self.created and self.created_month() is None:
            return {"created": str(NOT_A_MONTH)}
        return {}

    def conditions(self, reader: Reader) -> list[ColumnElement[bool]]:
        """What the filters select, as ``reader`` may search (``crm.leads.confidential``)."""
        # "=" rather than "IS", which no index serves.
        conditions: list[ColumnElement[bool]] = [Company.is_archived == (self.archived == "yes")]
        if self.q:
            conditions.append(findable(text_match(self.q), f"%{self.q.lower()}%", reader))
        if self.stage:
            conditions.append(Company.stage == Stage[self.stage])
        if self.owner:
            conditions.append(Company.owner_id == int(self.owner))
        if self.country:
            conditions.append(Company.country == self.country)
        if self.source:
            conditions.append(Company.source == LeadSource[self.source])
        if self.need:
            conditions.append(
                exists().where(
                    company_needs.c.company_id == Company.id,
                    company_needs.c.capability_id == Capability.id,
                    Capability.slug == self.need,
                )
            )
        if self.open_task:
            has_open_task = exists().where(
                FollowUpTask.company_id == Company.id, FollowUpTask.is_done.is_(False)
            )
            conditions.append(has_open_task if self.open_task == "yes" else ~has_open_task)
        if month := self.created_month():
            first, following = month
            conditions.append(Company.created_at >= first)
            conditions.append(Company.created_at < following)
        return conditions

    def ordering(self) -> list[Any]:
        column = SORTS[self.sort.removeprefix("-")]
        return [column.desc() if self.sort.startswith("-") else column.asc(), Company.id]


def filtered_companies(filters: CompanyFilters, reader: Reader) -> Select[Company]:
    """The companies the filters select, in their order, with their needs."""
    return (
        select(Company)
        .where(*filters.conditions(reader))
        .order_by(*filters.ordering())
        .options(selectinload(Company.needs))
    )


@dataclass(frozen=True)
class CompanyPage:
    companies: list[Company]
    open_task_company_ids: set[int]
    # Per company on the page, the names of its contacts who do not want follow-up.
    declining_follow_up: dict[int, list[str]]
    total: int
    filters: CompanyFilters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.per_page))


def company_page(filters: CompanyFilters, reader: Reader) -> CompanyPage:
    """One page of the list in a fixed number of queries, whatever the page size."""
    total = db.session.scalar(
        select(func.count()).select_from(Company).where(*filters.conditions(reader))
    )
    # The page's ids first, then only their rows: a page far down skips index entries, not rows.
    page_ids = (
        select(Company.id)
        .where(*filters.conditions(reader))
        .order_by(*filters.ordering())
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    companies = list(
        db.session.scalars(
            select(Company)
            .where(Company.id.in_(page_ids))
            .order_by(*filters.ordering())
            .options(selectinload(Company.owner), selectinload(Company.needs))
        )
    )
    ids = [company.id for company in companies]
    open_task_company_ids = set(
        db.session.scalars(
            select(FollowUpTask.company_id)
            .where(FollowUpTask.company_id.in_(ids), FollowUpTask.is_done.is_(False))
            .distinct()
        )
    )
    return CompanyPage(
        companies, open_task_company_ids, declining_follow_up(ids), total or 0, filters
    )


def declining_follow_up(company_ids: list[int]) -> dict[int, list[str]]:
    """Per company, the names of its contacts who do not want WFS to follow up (one query)."""
    names: dict[int, list[str]] = {}
    for company_id, name in db.session.execute(
        select(Contact.company_id, Contact.name)
        .where(Contact.company_id.in_(company_ids), Contact.has_declined_follow_up)
        .order_by(Contact.name)
    ):
        names.setdefault(company_id, []).append(name)
    return names
