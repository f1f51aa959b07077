from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import CompanyFilterArgs, CompanySchema
from crm.auth.models import Role
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import Capability

blueprint = Blueprint(
    "api_companies", __name__, url_prefix="/api/v1/companies", description="Leads (staff)"
)


class CompanyListArgs(PageArgs, CompanyFilterArgs):
    pass


def filtered_companies(args: dict[str, Any]) -> Any:
    query = select(Company).where(Company.is_archived.is_(False))
    if text := args.get("q", "").strip():
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                Company.name.ilike(pattern),
                Company.domain.ilike(pattern),
                Company.city.ilike(pattern),
            )
        )
    for name in ("stage", "source", "owner_id"):
        if name in args:
            query = query.where(getattr(Company, name) == args[name])
    if "country" in args:
        query = query.where(Company.country == args["country"].upper())
    if "need" in args:
        query = query.where(Company.needs.any(Capability.slug == args["need"]))
    return query.options(selectinload(Company.needs)).order_by(Company.name, Company.id)


@blueprint.route("")
class Companies(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(CompanyListArgs, location="query")
    @blueprint.response(200, page_schema(CompanySchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Companies, filtered like the staff list."""
        return paginate(filtered_companies(args), args["page"], args["per_page"])


@blueprint.route("/<int:company_id>")
class CompanyDetail(MethodView):
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.etag
    @blueprint.response(200, CompanySchema)
    @api_access(Role.viewer)
    def get(self, company_id: int) -> Company:
        """One company."""
        company = db.session.get(Company, company_id)
        if company is None:
            abort(404, message=f"No company {company_id}.")
        return company
