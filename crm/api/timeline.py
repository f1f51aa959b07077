"""A company's people, timeline and follow-up tasks."""

from typing import Any

from flask import g
from flask.views import MethodView

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.blueprint import Blueprint
from crm.api.companies import company_or_404
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import ActivitySchema, ContactInputSchema, ContactSchema, TaskSchema
from crm.auth.models import Role
from crm.leads import services
from crm.leads.models import Activity, Contact, FollowUpTask

blueprint = Blueprint(
    "api_timeline",
    __name__,
    url_prefix="/api/v1/companies",
    description="Contacts, timeline and follow-up tasks of a company (staff)",
)


@blueprint.route("/<int:company_id>/contacts")
class Contacts(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(ContactSchema))
    def get(self, args: dict[str, int], company_id: int) -> dict[str, Any]:
        """The company's contacts by name."""
        query = services.contacts_of(company_or_404(company_id))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(ContactInputSchema)
    @blueprint.response(201, ContactSchema)
    def post(self, data: dict[str, Any], company_id: int) -> Contact:
        """Add a person; consent is recorded with the version of the text they agreed to."""
        return services.save_contact(
            company_or_404(company_id),
            data,
            has_consent=data["has_consent"],
            consent_version=data.get("consent_version"),
        )


@blueprint.route("/<int:company_id>/activities")
class Activities(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(ActivitySchema))
    def get(self, args: dict[str, int], company_id: int) -> dict[str, Any]:
        """The company's timeline, the latest first; registrations and mail show here too."""
        query = services.timeline_of(company_or_404(company_id))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(ActivitySchema)
    @blueprint.response(201, ActivitySchema)
    def post(self, data: dict[str, Any], company_id: int) -> Activity:
        """Log a note, call, meeting, email or site visit."""
        return services.log_activity(
            company_or_404(company_id),
            data["kind"],
            data["subject"],
            data["body"],
            occurred_at=data["occurred_at"],
            by=g.api_caller.user,
        )


@blueprint.route("/<int:company_id>/tasks")
class Tasks(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(TaskSchema))
    def get(self, args: dict[str, int], company_id: int) -> dict[str, Any]:
        """The company's follow-up tasks: open ones first, the earliest due first."""
        query = services.tasks_of(company_or_404(company_id))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(TaskSchema)
    @blueprint.response(201, TaskSchema)
    def post(self, data: dict[str, Any], company_id: int) -> FollowUpTask:
        """Plan a follow-up with a due date and an owner."""
        return services.create_task(
            company_or_404(company_id), data["title"], data["due_on"], owner_id=data["owner_id"]
        )
