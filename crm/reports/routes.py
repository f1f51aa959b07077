"""The dashboard and the reports: thin views over ``reports.services``."""

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.auth.models import Role
from crm.db import utcnow
from crm.i18n import day
from crm.leads.services import office_today
from crm.reports import services
from crm.reports.services import Count

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
    return [(day(month.first_day, "MMM y"), month.count, None) for month in months]


@blueprint.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    today = office_today()
    return render_template(
        "reports/dashboard.html",
        today=today,
        stages=leads_rows(services.leads_by_stage(), "stage"),
        months=month_rows(services.new_leads_per_month(today)),
        countries=leads_rows(services.leads_by_country(), "country"),
        needs=leads_rows(services.leads_by_need(), "need"),
        sources=leads_rows(services.leads_by_source(), "source"),
        tasks=services.tasks_due(current_user.id, today),
        events=services.upcoming_events(utcnow()),
        outbox=services.outbox_health() if current_user.has_role(Role.staff) else None,
    )
