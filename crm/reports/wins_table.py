"""The wins report as tables of cells: the page shows them and the CSV file writes them, so the
download holds exactly what the page shows."""

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from crm.leads.confidential import Reader, shown_name
from crm.reports.wins import Figures, WinsReport, investment_type_label

# How a cell is shown on the page: text, a count, or an amount in euros.
TEXT, COUNT, MONEY = "text", "count", "money"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[Column]
    rows: list[list[object]]


def figure_columns(first: str) -> list[Column]:
    return [
        Column(first, TEXT),
        Column(_("Wins"), COUNT),
        Column(_("New jobs"), COUNT),
        Column(_("Safeguarded jobs"), COUNT),
        Column(_("Capex (EUR)"), MONEY),
    ]


def figure_row(label: str, figures: Figures) -> list[object]:
    return [label, figures.wins, figures.new_jobs, figures.safeguarded_jobs, figures.capex_eur]


def wins_tables(report: WinsReport, reader: Reader) -> list[Table]:
    """The report's tables, naming each company as ``reader`` may read it."""
    companies = Table(
        _("Verified wins %(year)d", year=report.year),
        [
            Column(_("Company"), TEXT),
            Column(_("Country"), TEXT),
            Column(_("Investment type"), TEXT),
            Column(_("Landed on"), TEXT),
            Column(_("New jobs"), COUNT),
            Column(_("Safeguarded jobs"), COUNT),
            Column(_("Capex (EUR)"), MONEY),
        ],
        [
            [
                shown_name(company, reader),
                company.country or "",
                company.investment_type.label if company.investment_type else "",
                company.actual_landing_on.isoformat() if company.actual_landing_on else "",
                company.new_jobs or 0,
                company.safeguarded_jobs or 0,
                company.capex_eur or 0,
            ]
            for company in report.companies
        ]
        + [
            [
                "",
                "",
                "",
                _("Total"),
                report.total.new_jobs,
                report.total.safeguarded_jobs,
                report.total.capex_eur,
            ]
        ],
    )
    by_country = Table(
        _("By country"),
        figure_columns(_("Country")),
        [figure_row(group.key or _("unknown"), group) for group in report.by_country],
    )
    by_type = Table(
        _("By investment type"),
        figure_columns(_("Investment type")),
        [
            figure_row(investment_type_label(group.key) or _("unknown"), group)
            for group in report.by_investment_type
        ],
    )
    return [companies, by_country, by_type]


def csv_rows(tables: list[Table]) -> Iterator[list[object]]:
    """Each table under its title, after an empty row between tables."""
    for number, table in enumerate(tables):
        if number:
            yield []
        yield [table.title]
        yield [column.heading for column in table.columns]
        yield from table.rows
