"""The pipeline board: a column per stage with its most recently moved leads as cards, and the
totals of the whole column, in a fixed number of queries however many leads there are."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import aliased, selectinload

from crm.db import utcnow
from crm.extensions import db
from crm.leads.confidential import Reader
from crm.leads.listing import CompanyFilters
from crm.leads.models import Company, FollowUpTask, Stage
from crm.leads.services import allowed_moves

BOARD_COLUMN_SIZE = 50
STAGE_ORDER = {stage: number for number, stage in enumerate(Stage)}


@dataclass(frozen=True)
class ColumnTotals:
    """What a whole column holds: its leads, their new and safeguarded jobs and their capex."""

    leads: int = 0
    jobs: int = 0
    capex_eur: int = 0


@dataclass(frozen=True)
class Card:
    company: Company
    days_in_stage: int
    next_task: FollowUpTask | None
    moves: list[Stage]
    # The move the card's form offers first: the next stage on, if the lead may go there.
    next_stage: Stage | None


def next_stage_of(stage: Stage, moves: list[Stage]) -> Stage | None:
    later = [move for move in moves if STAGE_ORDER[move] > STAGE_ORDER[stage]]
    return next(iter(later or moves), None)


@dataclass(frozen=True)
class Column:
    stage: Stage
    cards: list[Card]
    totals: ColumnTotals

    @property
    def more(self) -> int:
        """How many leads of the column the board leaves out."""
        return self.totals.leads - len(self.cards)


def board_filters(args: Mapping[str, str]) -> CompanyFilters:
    """The filters the board takes: owner and source."""
    chosen = CompanyFilters.from_args(args)
    return CompanyFilters(owner=chosen.owner, source=chosen.source)


def board_return_filters(back: str, board_path: str) -> CompanyFilters | None:
    """The board filters of a board address (at ``board_path``) sent back by a form, or None for
    any other address (so that a form cannot send anyone elsewhere)."""
    address = urlsplit(back)
    if address.scheme or address.netloc or address.path != board_path:
        return None
    return board_filters(dict(parse_qsl(address.query)))


def column_totals(filters: CompanyFilters, reader: Reader) -> dict[Stage, ColumnTotals]:
    jobs = func.coalesce(Company.new_jobs, 0) + func.coalesce(Company.safeguarded_jobs, 0)
    rows = db.session.execute(
        select(
            Company.stage,
            func.count(),
            func.coalesce(func.sum(jobs), 0),
            func.coalesce(func.sum(Company.capex_eur), 0),
        )
        .where(*filters.conditions(reader))
        .group_by(Company.stage)
    )
    return {
        # PostgreSQL sums big integers as numeric.
        stage: ColumnTotals(leads, int(job_count or 0), int(capex or 0))
        for stage, leads, job_count, capex in rows
    }


def shown_companies(filters: CompanyFilters, reader: Reader, size: int) -> list[Company]:
    """The ``size`` most recently moved companies of each stage, with their owners."""
    firsts = [
        select(Company.id)
        .where(*filters.conditions(reader), Company.stage == stage)
        .order_by(Company.stage_entered_at.desc(), Company.id.desc())
        .limit(size)
        .subquery()
        for stage in Stage
    ]
    ids = union_all(*(select(first.c.id) for first in firsts))
    return list(
        db.session.scalars(
            select(Company)
            .where(Company.id.in_(ids))
            .options(selectinload(Company.owner))
            .order_by(Company.stage_entered_at.desc(), Company.id.desc())
        )
    )


def next_open_tasks(company_ids: list[int]) -> dict[int, FollowUpTask]:
    """The open task due first of each company."""
    ranked = (
        select(
            FollowUpTask,
            func.row_number()
            .over(
                partition_by=FollowUpTask.company_id,
                order_by=(FollowUpTask.due_on, FollowUpTask.id),
            )
            .label("rank"),
        )
        .where(FollowUpTask.company_id.in_(company_ids), FollowUpTask.is_done.is_(False))
        .subquery()
    )
    task = aliased(FollowUpTask, ranked)
    return {
        each.company_id: each for each in db.session.scalars(select(task).where(ranked.c.rank == 1))
    }


def days_since(moment: datetime, now: datetime) -> int:
    return max((now - moment).days, 0)


def board_columns(
    filters: CompanyFilters, reader: Reader, size: int = BOARD_COLUMN_SIZE
) -> list[Column]:
    """Every stage's column in pipeline order: its first ``size`` cards and its totals."""
    totals = column_totals(filters, reader)
    companies = shown_companies(filters, reader, size)
    tasks = next_open_tasks([company.id for company in companies])
    now = utcnow()
    cards: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    moves: dict[Stage, list[Stage]] = {}
    for company in companies:
        # The moves allowed depend on the stage only: asked once for each.
        allowed = moves.setdefault(company.stage, allowed_moves(company))
        cards[company.stage].append(
            Card(
                company,
                days_since(company.stage_entered_at, now),
                tasks.get(company.id),
                allowed,
                next_stage_of(company.stage, allowed),
            )
        )
    return [Column(stage, cards[stage], totals.get(stage, ColumnTotals())) for stage in Stage]
