"""The admin page of the audit log: read and filter only; no URL changes an entry."""

from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from crm.audit import actor
from crm.audit.models import AuditAction
from crm.audit.recording import AUDITED
from crm.audit.services import AuditFilters, audit_page
from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.i18n import Labelled

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")

KIND_LABELS = {
    "company": _l("Company"),
    "contact": _l("Contact"),
    "activity": _l("Timeline entry"),
    "task": _l("Follow-up task"),
    "partner_link": _l("Partner link"),
    "event": _l("Event"),
    "registration": _l("Registration"),
    "user": _l("Staff account"),
    "api_token": _l("API token"),
}
CHANNEL_LABELS = {
    actor.WEB: _l("staff pages"),
    actor.API: _l("API"),
    actor.IMPORT: _l("CSV import"),
    actor.CLI: _l("command line"),
    actor.WORKER: _l("background worker"),
    actor.REGISTRATION: _l("public registration"),
}


def choice_labels() -> dict[tuple[str, str], dict[str, str]]:
    """For each recorded column holding one of a set of labelled choices (a stage, a kind of
    entry), keyed by record kind and column, the label of each stored name, in the reader's
    language."""
    labels = {}
    for table_name, audited in AUDITED.items():
        for column in db.metadata.tables[table_name].columns:
            choices = getattr(column.type, "enum_class", None)
            if choices is not None and issubclass(choices, Labelled):
                labels[audited.kind, column.name] = {
                    choice.name: str(choice.label) for choice in choices
                }
    return labels


@blueprint.get("/")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    filters = AuditFilters.from_args(request.args)
    page = audit_page(filters, ZoneInfo(str(get_timezone())))
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        kinds=KIND_LABELS,
        channels=CHANNEL_LABELS,
        choices=choice_labels(),
        AuditAction=AuditAction,
    )
