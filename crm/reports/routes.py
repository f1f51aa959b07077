"""The dashboard and the reports: thin views over ``reports.services``."""

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.auth.models import Role
from crm.db import utcnow
from crm.events.models import Event
from crm.extensions import db
from crm.i18n import day
from crm.leads.services import office_today
from crm.reports import services
from crm.reports.attribution import LISTED, Group, companies_behind, event_attribution
from crm.reports.services import Count
from crm.reports.wins import FIRST_YEAR, LAST_YEAR, verified_wins
from crm.reports.wins_table import csv_rows, wins_tables
from crm.spreadsheets import csv_lines

MAX_PAGE = 100_000
# A chart's or table's row: its label, its number and the link to what it counts (or None).
Row = tuple[str, int, str | None]

blueprint = Blueprint("reports", __name__)


def leads_link(filter_name: str, value: str) -> str | None:
    """The leads list filtered to ``value``; none for a count of leads without one."""
    arguments: dict[str, Any] = {filter_name: value}
    return url_for("leads.index", **arguments) if value else None


def leads_rows(counts: Iterable[Count], filter_name: str) -> list[Row]:
    """Rows that link to the leads list filtered to what each counts."""
    return [
        (count.label or _("unknown"), count.count, leads_link(filter_name, count.key))
        for count in counts
    ]


def month_rows(months: Iterable[services.Month]) -> list[Row]:
    """Rows that link to the leads list of the leads created in each month."""
    return [
        (
            day(month.first_day, "MMM y"),
            month.count,
            leads_link("created", f"{month.year:04d}-{month.month:02d}"),
        )
        for month in months
    ]


@blueprint.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    today = office_today()
    counts = services.lead_counts()
    return render_template(
        "reports/dashboard.html",
        today=today,
        stages=leads_rows(services.leads_by_stage(counts), "stage"),
        months=month_rows(services.new_leads_per_month(today)),
        countries=leads_rows(services.leads_by_country(counts), "country"),
        needs=leads_rows(services.leads_by_need(), "need"),
        sources=leads_rows(services.leads_by_source(counts), "source"),
        tasks=services.tasks_due(current_user.id, today),
        events=services.upcoming_events(utcnow()),
        outbox=services.outbox_health() if current_user.has_role(Role.staff) else None,
    )


@blueprint.get("/reports/events/<int:event_id>")
@login_required
def event_report(event_id: int) -> ResponseReturnValue:
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "reports/event.html", event=event, attribution=event_attribution(event, current_user)
    )


@blueprint.get("/reports/events/<int:event_id>/companies")
@login_required
def event_companies(event_id: int) -> ResponseReturnValue:
    """A page of the companies behind one of the attribution's numbers."""
    event = db.session.get(Event, event_id) or abort(404)
    group = Group.from_args(request.args)
    asked = request.args.get("page", "")
    page = int(asked) if asked.isdigit() and 0 < int(asked) <= MAX_PAGE else 1
    companies = companies_behind(event, current_user, [group], LISTED, offset=(page - 1) * LISTED)[
        group
    ]
    if page > 1 and not companies:
        abort(404)  # past the last page: how many there are is known only from a page's rows
    return render_template(
        "reports/event_companies.html",
        event=event,
        companies=companies,
        page=page,
        pages=max(1, -(-companies.total // LISTED)),
    )


def chosen_year() -> int:
    """The year asked for in ``?year=``; anything else is this year."""
    asked = request.args.get("year", "")
    year = int(asked) if asked.isdigit() and len(asked) == 4 else office_today().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else office_today().year


@blueprint.get("/reports/wins")
@login_required
def wins() -> ResponseReturnValue:
    year = chosen_year()
    return render_template(
        "reports/wins.html",
        year=year,
        tables=wins_tables(verified_wins(year), current_user),
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


@blueprint.get("/reports/wins.csv")
@login_required
def wins_csv() -> ResponseReturnValue:
    year = chosen_year()
    tables = wins_tables(verified_wins(year), current_user)
    header, *rows = list(csv_rows(tables))
    return Response(
        "".join(csv_lines([str(cell) for cell in header], rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="verified-wins-{year}.csv"'},
    )
