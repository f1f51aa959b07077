"""Sites on offer, their reservations, and the sites that fit a lead (staff).

A reservation that overlaps another of the same site, or of a taken or archived site, is a
conflict (409); wrong values are 422 naming the field (``crm.problems.refusal_problem``).
"""

from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from crm.api.access import BEARER_SECURITY, abort, api_access
from crm.api.companies import any_company_or_404
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.site_schemas import (
    ReservationInputSchema,
    ReservationSchema,
    SiteFilterArgs,
    SiteInputSchema,
    SiteMatchesSchema,
    SiteSchema,
    SiteUpdateSchema,
)
from crm.auth.models import Role
from crm.leads.models import Company
from crm.leads.services import company_by_id
from crm.refusals import Refused
from crm.sites import services
from crm.sites.matching import why_empty
from crm.sites.models import Reservation, Site

blueprint = Blueprint(
    "api_sites", __name__, url_prefix="/api/v1", description="Sites on offer (staff)"
)


class SiteListArgs(PageArgs, SiteFilterArgs):
    pass


def site_or_404(site_id: int) -> Site:
    site = services.site_by_id(site_id)
    if site is None:
        abort(404, message=gettext("No site %(id)d.", id=site_id))
    return site


def lead_named(company_id: int) -> Company:
    company = company_by_id(company_id)
    if company is None:
        raise Refused("unknown_lead", "company_id", _l("There is no lead {id}."), id=company_id)
    return company


@blueprint.route("/sites")
class Sites(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(SiteListArgs, location="query")
    @blueprint.response(200, page_schema(SiteSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Sites, filtered like the staff list."""
        page, per_page = args.pop("page"), args.pop("per_page")
        filters = services.SiteFilters(is_archived=args.pop("archived"), **args)
        return paginate(services.filtered_sites(filters), page, per_page)

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(SiteInputSchema)
    @blueprint.response(201, SiteSchema)
    def post(self, data: dict[str, Any]) -> Site:
        """Offer a new site; it starts available."""
        return services.save_site(None, data, by=g.api_caller.user)


@blueprint.route("/sites/<int:site_id>")
class SiteDetail(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(200, SiteSchema)
    def get(self, site_id: int) -> Site:
        """One site."""
        return site_or_404(site_id)

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(SiteUpdateSchema(partial=True))
    @blueprint.response(200, SiteSchema)
    def patch(self, data: dict[str, Any], site_id: int) -> Site:
        """Change the fields sent; the status moves only through reservations and landings."""
        return services.save_site(site_or_404(site_id), data, by=g.api_caller.user)


@blueprint.route("/sites/<int:site_id>/reservations")
class SiteReservations(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(ReservationSchema))
    def get(self, args: dict[str, int], site_id: int) -> dict[str, Any]:
        """Every reservation of the site, the latest first."""
        query = services.reservations_of_site(site_or_404(site_id))
        return paginate(query, args["page"], args["per_page"])

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(ReservationInputSchema)
    @blueprint.response(201, ReservationSchema)
    @blueprint.alt_response(409, response="CONFLICT")
    def post(self, data: dict[str, Any], site_id: int) -> Reservation:
        """Reserve the site for a lead from ``starts_on`` to ``ends_on``; an overlap with
        another active reservation, a taken or an archived site answer 409."""
        site = site_or_404(site_id)
        return services.reserve(
            site,
            lead_named(data["company_id"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data["note"],
            by=g.api_caller.user,
        )


@blueprint.route("/companies/<int:company_id>/site-matches")
class CompanySiteMatches(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(200, SiteMatchesSchema)
    def get(self, company_id: int) -> dict[str, Any]:
        """The sites on offer that meet the lead's site requirement, best first, each with the
        parts it meets (``reasons``) and misses (``shortfalls``); they tell nothing of a
        confidential lead, so everyone gets them."""
        company = any_company_or_404(company_id)
        matches = services.site_matches_for(company)
        return {"items": matches, "why_empty": why_empty(company, matches)}
