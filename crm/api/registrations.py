"""Registering for an event through the API, under exactly the rules of the public form:
both call ``crm.events.services.register``."""

from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.events import published_event
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import (
    RegistrationFilterArgs,
    RegistrationReceiptSchema,
    RegistrationRequestSchema,
    RegistrationSchema,
)
from crm.auth.models import Role
from crm.events import services
from crm.events.models import RegistrationStatus
from crm.events.services import RegistrationDetails, chosen_needs_and_partners
from crm.extensions import limiter
from crm.limits import registration_limit

blueprint = Blueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1/events/<slug>/registrations",
    description="Event registrations",
)

RECEIPTS = {
    "repeat": _l("Already registered; the private link has been sent again."),
    RegistrationStatus.confirmed: _l(
        "Registered; a confirmation with a calendar invitation is on its way."
    ),
    RegistrationStatus.waitlisted: _l("The event is full; you are on the waiting list."),
}


class RegistrationListArgs(PageArgs, RegistrationFilterArgs):
    pass


def details_from(request: dict[str, Any]) -> RegistrationDetails:
    """The request as registration details; unknown tags and partners are refused together."""
    needs, partners = chosen_needs_and_partners(request["needs"], request["partners_to_meet"])
    return RegistrationDetails(
        name=request["name"],
        email=request["email"],
        company_name=request["company"],
        consent=request["consent"],
        position=request["position"],
        country=request["country"],
        language=request["language"],
        needs=needs,
        partners_to_meet=partners,
        answers=request["answers"],
    )


@blueprint.route("")
class Registrations(MethodView):
    @blueprint.arguments(RegistrationRequestSchema)
    @blueprint.response(201, RegistrationReceiptSchema)
    @blueprint.alt_response(200, schema=RegistrationReceiptSchema, description="Already registered")
    @limiter.limit(registration_limit)
    def post(self, request: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Register for a published event: a seat if one is free, else the waiting list.

        The same email twice gives no second registration: the answer is 200 and the private
        link is mailed again. A closed or cancelled event answers 409.
        """
        event = published_event(slug)
        outcome = services.register(event, details_from(request))
        registration = outcome.registration
        receipt = {
            "event": event.slug,
            "status": registration.status,
            "is_new": outcome.is_new,
            "detail": str(RECEIPTS[registration.status if outcome.is_new else "repeat"]),
        }
        return receipt, 201 if outcome.is_new else 200

    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(RegistrationListArgs, location="query")
    @blueprint.response(200, page_schema(RegistrationSchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The event's registrations, oldest first (staff)."""
        event = published_event(slug, include_drafts=True)
        query = services.registrations_query(event, args.get("status"))
        return paginate(query, args["page"], args["per_page"])
