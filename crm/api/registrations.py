"""Registering for an event through the API, under exactly the rules of the public form:
both call ``crm.events.services.register``."""

from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.blueprint import Blueprint
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
from crm.events.services import RegistrationDetails, chosen_needs_and_partners
from crm.limits import limit_public_registration

blueprint = Blueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1/events/<slug>/registrations",
    description="Event registrations",
)

RECEIVED = _l(
    "Received. A message to the address given confirms the registration (or the place on the "
    "waiting list) with the private link; an address registered already gets that link again."
)


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
        follow_up_consent=request["follow_up_consent"],
        partner_sharing_consent=request["partner_sharing_consent"],
        consent_language=request["consent_language"],
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
    @blueprint.response(202, RegistrationReceiptSchema)
    @limit_public_registration
    def post(self, request: dict[str, Any], slug: str) -> dict[str, Any]:
        """Register for a published event: a seat if one is free, else the waiting list.

        The answer is the same 202 whether or not the address was registered already, so that
        nobody learns who is: the mail to the address says which (a repeat gets the private
        link again, and no second registration). A closed or cancelled event answers 409.
        """
        event = published_event(slug)
        services.register(event, details_from(request))
        return {"event": event.slug, "detail": str(RECEIVED)}

    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(RegistrationListArgs, location="query")
    @blueprint.response(200, page_schema(RegistrationSchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The event's registrations, oldest first (staff)."""
        event = published_event(slug, include_drafts=True)
        query = services.registrations_query(event, args.get("status"))
        return paginate(query, args["page"], args["per_page"])
