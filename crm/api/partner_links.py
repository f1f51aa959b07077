"""Company↔partner links and their status."""

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.companies import company_or_404, invalid
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import LinkStatusSchema, PartnerLinkInputSchema, PartnerLinkSchema
from crm.auth.models import Role
from crm.extensions import db
from crm.partners import services
from crm.partners.models import LinkSource, Partner, PartnerLink

blueprint = Blueprint(
    "api_partner_links",
    __name__,
    url_prefix="/api/v1",
    description="Links between leads and cluster partners (staff)",
)


@blueprint.route("/companies/<int:company_id>/partner-links")
class CompanyPartnerLinks(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(PartnerLinkSchema))
    def get(self, args: dict[str, int], company_id: int) -> dict[str, Any]:
        """The partners this company is linked to."""
        company = company_or_404(company_id)
        query = (
            select(PartnerLink)
            .join(PartnerLink.partner)
            .where(PartnerLink.company_id == company.id)
            .order_by(Partner.name, PartnerLink.id)
        )
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PartnerLinkInputSchema)
    @blueprint.response(201, PartnerLinkSchema)
    def post(self, data: dict[str, Any], company_id: int) -> PartnerLink:
        """Link the company to a partner; linking them again updates the reason."""
        company = company_or_404(company_id)
        partner = db.session.scalar(
            select(Partner).where(Partner.slug == data["partner"], ~Partner.is_archived)
        )
        if partner is None:
            invalid("partner", f"No partner {data['partner']!r}.")
        link = services.link_company_to_partner(
            company, partner, reason=data["reason"], source=LinkSource.staff, by=g.api_caller.user
        )
        db.session.commit()
        return link


@blueprint.route("/partner-links/<int:link_id>")
class PartnerLinkStatus(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(LinkStatusSchema)
    @blueprint.response(200, PartnerLinkSchema)
    def patch(self, data: dict[str, Any], link_id: int) -> PartnerLink:
        """Move a link on: suggested → introduced → in contact → collaborating, or declined."""
        link = db.session.get(PartnerLink, link_id)
        if link is None:
            abort(404, message=f"No partner link {link_id}.")
        try:
            services.change_link_status(link, data["status"], g.api_caller.user)
        except services.TransitionNotAllowed as error:
            invalid("status", str(error))
        db.session.commit()
        return link
