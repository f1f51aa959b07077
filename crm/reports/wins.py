"""The verified wins of a calendar year: landed companies a staff member verified, by the year
of their landing, with their jobs and investment, in totals, by country and by investment type."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select

from crm.extensions import db
from crm.leads.models import Company, InvestmentType, Stage

FIRST_YEAR = 1990
LAST_YEAR = 2100


@dataclass(frozen=True)
class Figures:
    """Wins and what they bring: a total or one group's part of it."""

    key: str
    wins: int
    new_jobs: int
    safeguarded_jobs: int
    capex_eur: int


@dataclass(frozen=True)
class WinsReport:
    year: int
    companies: list[Company]
    total: Figures
    by_country: list[Figures]
    by_investment_type: list[Figures]


def is_verified_win_of(year: int) -> list[ColumnElement[bool]]:
    return [
        Company.stage == Stage.landed,
        Company.landing_verified_at.is_not(None),
        Company.is_archived.is_(False),
        Company.actual_landing_on >= date(year, 1, 1),
        Company.actual_landing_on < date(year + 1, 1, 1),
    ]


def sums() -> tuple[Any, Any, Any, Any]:
    return (
        func.count(Company.id),
        func.coalesce(func.sum(Company.new_jobs), 0),
        func.coalesce(func.sum(Company.safeguarded_jobs), 0),
        func.coalesce(func.sum(Company.capex_eur), 0),
    )


def grouped(year: int, column: Any) -> list[Figures]:
    rows = db.session.execute(
        select(column, *sums())
        .where(*is_verified_win_of(year))
        .group_by(column)
        .order_by(func.count(Company.id).desc(), column)
    ).all()
    return [
        Figures(getattr(key, "value", key) or "", wins, new, safeguarded, int(capex))
        for key, wins, new, safeguarded, capex in rows
    ]


def verified_wins(year: int) -> WinsReport:
    """Four queries, however many wins: the companies, the totals and the two groupings."""
    companies = list(
        db.session.scalars(
            select(Company)
            .where(*is_verified_win_of(year))
            .order_by(Company.actual_landing_on, Company.normalised_name, Company.id)
        )
    )
    wins, new, safeguarded, capex = db.session.execute(
        select(*sums()).where(*is_verified_win_of(year))
    ).one()
    return WinsReport(
        year=year,
        companies=companies,
        total=Figures("", wins, new, safeguarded, int(capex)),
        by_country=grouped(year, Company.country),
        by_investment_type=grouped(year, Company.investment_type),
    )


def investment_type_label(key: str) -> str:
    return InvestmentType[key].label if key in InvestmentType.__members__ else ""
