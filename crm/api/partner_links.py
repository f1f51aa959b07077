"""Company↔partner links and their status."""

from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import gettext

from crm.api.access import BEARER_SECURITY, abort, api_access
from crm.api.blueprint import Blueprint
from crm.api.companies import company_or_404
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import LinkStatusSchema, PartnerLinkInputSchema, PartnerLinkSchema
from crm.auth.models import Role
from crm.extensions import db
from crm.partners import services
from crm.partners.models import LinkSource, PartnerLink

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
        query = services.links_query(company_or_404(company_id))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PartnerLinkInputSchema)
    @blueprint.response(201, PartnerLinkSchema)
    def post(self, data: dict[str, Any], company_id: int) -> PartnerLink:
        """Link the company to a partner; linking them again updates the reason."""
        company = company_or_404(company_id)
        partner = services.partner_named(data["partner"])
        return services.link_company_to_partner(
            company, partner, reason=data["reason"], source=LinkSource.staff, by=g.api_caller.user
        )


@blueprint.route("/partner-links/<int:link_id>")
class PartnerLinkStatus(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(LinkStatusSchema)
    @blueprint.response(200, PartnerLinkSchema)
    def patch(self, data: dict[str, Any], link_id: int) -> PartnerLink:
        """Move a link on: in contact → collaborating, or declined (and back to suggested).
        ``introduced`` is reached only by the introduction mail from the staff pages."""
        link = db.session.get(PartnerLink, link_id)
        if link is None:
            abort(404, message=gettext("No partner link %(id)d.", id=link_id))
        company_or_404(link.company_id)
        return services.change_link_status(link, data["status"], g.api_caller.user)
