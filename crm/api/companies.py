from typing import Any, NoReturn

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import (
    COMPANY_DETAILS,
    CompanyCreateSchema,
    CompanyFilterArgs,
    CompanySchema,
    CompanyUpdateSchema,
    StageMoveSchema,
)
from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads import services
from crm.leads.listing import SORTS, CompanyFilters, filtered_companies
from crm.leads.models import Company
from crm.partners.models import Capability
from crm.partners.services import UnknownCapabilities, capabilities_named

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
        open_task={True: "yes", False: "no"}.get(args.get("open_task"), ""),
        archived="yes" if args["archived"] else "",
        sort=args["sort"],
    )


def invalid(field: str, message: str) -> NoReturn:
    abort(422, message=message, messages={"json": {field: [message]}})


def company_or_404(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404, message=f"No company {company_id}.")
    return company


def staff_owner(owner_id: int | None) -> User | None:
    """The staff member ``owner_id`` names; viewers and disabled accounts own nothing."""
    if owner_id is None:
        return None
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.is_enabled or not owner.has_role(Role.staff):
        invalid("owner_id", f"No enabled staff member has the id {owner_id}.")
    return owner


def company_details(data: dict[str, Any]) -> tuple[dict[str, Any], list[Capability] | None]:
    """The editable fields and the needs (None: unchanged) of a validated request body."""
    details = {name: data[name] for name in COMPANY_DETAILS if name in data and name != "needs"}
    if "owner_id" in details:
        staff_owner(details["owner_id"])
    if "needs" not in data:
        return details, None
    try:
        return details, capabilities_named(data["needs"])
    except UnknownCapabilities as error:
        invalid("needs", str(error))


@blueprint.route("")
class Companies(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyListArgs, location="query")
    @blueprint.response(200, page_schema(CompanySchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Companies, filtered and sorted like the staff list."""
        query = filtered_companies(list_filters(args)).options(selectinload(Company.needs))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyCreateSchema)
    @blueprint.response(201, CompanySchema)
    @blueprint.alt_response(409, response="CONFLICT")
    def post(self, data: dict[str, Any]) -> Company:
        """Create a company; one that looks like a known company is refused unless asked."""
        details, needs = company_details(data)
        try:
            company = services.create_company(
                details,
                needs=needs or [],
                by=g.api_caller.user,
                allow_duplicates=data["ignore_duplicates"],
            )
        except services.PossibleDuplicates as error:
            abort(
                409,
                message=f'{error} Send "ignore_duplicates": true to create it anyway.',
                extensions={"duplicate_ids": [match.id for match in error.matches]},
            )
        db.session.commit()
        return company


@blueprint.route("/<int:company_id>")
class CompanyDetail(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.etag
    @blueprint.response(200, CompanySchema)
    @api_access(Role.viewer)
    def get(self, company_id: int) -> Company:
        """One company."""
        return company_or_404(company_id)

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyUpdateSchema(partial=COMPANY_DETAILS))
    @blueprint.response(200, CompanySchema)
    @blueprint.alt_response(409, response="CONFLICT")
    def patch(self, data: dict[str, Any], company_id: int) -> Company:
        """Change the fields sent; ``version`` must be the one last read."""
        company = company_or_404(company_id)
        details, needs = company_details(data)
        try:
            services.update_company(
                company,
                details,
                needs=company.needs if needs is None else needs,
                expected_version=data["version"],
            )
        except services.StaleEdit as error:
            db.session.rollback()
            abort(409, message=str(error))
        db.session.commit()
        return company

    @api_access(Role.admin)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(204)
    def delete(self, company_id: int) -> None:
        """Delete a company for good, with its people, timeline and tasks (admins only)."""
        services.delete_company(company_or_404(company_id))
        db.session.commit()


@blueprint.route("/<int:company_id>/stage")
class CompanyStage(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(StageMoveSchema)
    @blueprint.response(200, CompanySchema)
    def post(self, data: dict[str, Any], company_id: int) -> Company:
        """Move the company through the pipeline; lost, on hold and dormant need a reason."""
        company = company_or_404(company_id)
        try:
            services.move_stage(
                company,
                data["stage"],
                data["reason"],
                g.api_caller.user,
                lost_to_location=data.get("lost_to_location"),
            )
        except services.MoveNotAllowed as error:
            invalid("stage", str(error))
        except services.ReasonRequired as error:
            invalid("reason", str(error))
        db.session.commit()
        return company
