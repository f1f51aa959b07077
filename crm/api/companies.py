"""Leads through the API: the staff list's filters, create, change, move stage, delete.

Refusals of the lead rules are answered by ``crm.problems.refusal_problem``: 422 naming the
field, 409 for a conflict (a stale version, a possible duplicate with its ``duplicate_ids``).
"""

from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import gettext
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from crm.api.access import BEARER_SECURITY, abort, api_access
from crm.api.blueprint import Blueprint
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import (
    COMPANY_DETAILS,
    CONFIDENTIALITY_FIELDS,
    CompanyCreateSchema,
    CompanyFilterArgs,
    CompanySchema,
    CompanyUpdateSchema,
    StageMoveSchema,
)
from crm.auth.models import Role
from crm.leads import services
from crm.leads.confidential import can_see
from crm.leads.listing import SORTS, CompanyFilters, filtered_companies
from crm.leads.models import Company
from crm.vocabulary.models import Capability
from crm.vocabulary.services import capabilities_named

blueprint = Blueprint(
    "api_companies", __name__, url_prefix="/api/v1/companies", description="Leads (staff)"
)


class CompanyListArgs(PageArgs, CompanyFilterArgs):
    open_task = fields.Boolean(metadata={"description": "has an open follow-up task"})
    archived = fields.Boolean(load_default=False, metadata={"description": "the archive instead"})
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf([*SORTS, *(f"-{name}" for name in SORTS)]),
        metadata={"description": "a column; a leading '-' sorts descending"},
    )


def list_filters(args: dict[str, Any]) -> CompanyFilters:
    """The staff list's filters for the validated query arguments."""
    return CompanyFilters(
        q=args.get("q", "").strip(),
        stage=args["stage"].name if "stage" in args else "",
        owner=str(args.get("owner_id", "")),
        country=args.get("country", "").upper(),
        need=args.get("need", "").strip(),
        source=args["source"].name if "source" in args else "",
        open_task={True: "yes", False: "no"}.get(args["open_task"], "")
        if "open_task" in args
        else "",
        archived="yes" if args["archived"] else "",
        sort=args["sort"],
    )


def any_company_or_404(company_id: int) -> Company:
    """The company, whoever asks: only for answers that show it as the caller may read it."""
    company = services.company_by_id(company_id)
    if company is None:
        abort(404, message=gettext("No company %(id)d.", id=company_id))
    return company


def company_or_404(company_id: int) -> Company:
    """The company, for callers who may see it as it is (``crm.leads.confidential``)."""
    company = any_company_or_404(company_id)
    if not can_see(company, g.api_caller.user):
        abort(403, message=gettext("This lead is confidential: only its owner, team and admins."))
    return company


def company_details(data: dict[str, Any]) -> tuple[dict[str, Any], list[Capability] | None]:
    """The editable fields and the needs (None: unchanged) of a request body."""
    details = {name: data[name] for name in COMPANY_DETAILS if name in data and name != "needs"}
    needs = capabilities_named(data["needs"]) if "needs" in data else None
    return details, needs


@blueprint.route("")
class Companies(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyListArgs, location="query")
    @blueprint.response(200, page_schema(CompanySchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Companies, filtered and sorted like the staff list."""
        query = filtered_companies(list_filters(args), g.api_caller.user).options(
            selectinload(Company.team)  # each item names its team
        )
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyCreateSchema)
    @blueprint.response(201, CompanySchema)
    @blueprint.alt_response(409, response="CONFLICT")
    def post(self, data: dict[str, Any]) -> Company:
        """Create a company; one that looks like a known company is refused (409 with
        ``duplicate_ids``) unless ``ignore_duplicates`` is true."""
        details, needs = company_details(data)
        return services.create_company(
            details,
            needs=needs or [],
            by=g.api_caller.user,
            allow_duplicates=data["ignore_duplicates"],
        )


@blueprint.route("/<int:company_id>")
class CompanyDetail(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.etag
    @blueprint.response(200, CompanySchema)
    @api_access(Role.viewer)
    def get(self, company_id: int) -> Company:
        """One company; a confidential one as the caller may read it."""
        return any_company_or_404(company_id)

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyUpdateSchema(partial=COMPANY_DETAILS))
    @blueprint.response(200, CompanySchema)
    @blueprint.alt_response(409, response="CONFLICT")
    def patch(self, data: dict[str, Any], company_id: int) -> Company:
        """Change the fields sent; ``version`` must be the one last read. Marking a lead
        confidential, its codename and team are for its owner and admins (others get 403)."""
        company = company_or_404(company_id)
        details, needs = company_details(data)
        services.update_company(company, details, needs=needs, expected_version=data["version"])
        if any(name in data for name in CONFIDENTIALITY_FIELDS):
            try:
                services.set_confidentiality(
                    company,
                    is_confidential=data.get("is_confidential", company.is_confidential),
                    codename=data.get("codename", company.codename),
                    team_ids=data.get("team_ids", [member.id for member in company.team]),
                    by=g.api_caller.user,
                )
            except services.NotTheOwner as error:
                abort(403, message=error.message)
        return company

    @api_access(Role.admin)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(204)
    def delete(self, company_id: int) -> None:
        """Delete a company for good, with its people, timeline and tasks (admins only)."""
        services.delete_company(company_or_404(company_id))


@blueprint.route("/<int:company_id>/stage")
class CompanyStage(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(StageMoveSchema)
    @blueprint.response(200, CompanySchema)
    def post(self, data: dict[str, Any], company_id: int) -> Company:
        """Move the company through the pipeline; lost, on hold and dormant need a reason."""
        company = company_or_404(company_id)
        services.move_stage(
            company,
            data["stage"],
            data["reason"],
            g.api_caller.user,
            lost_to_location=data.get("lost_to_location"),
        )
        return company
