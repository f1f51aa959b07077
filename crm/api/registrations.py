"""Registering for an event through the API, under exactly the rules of the public form."""

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

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
from crm.events.models import Event, Registration
from crm.events.services import RegistrationDetails, RegistrationRefused
from crm.events.texts import translator
from crm.extensions import db, limiter
from crm.limits import registration_limit
from crm.partners.models import Capability, Partner

blueprint = Blueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1/events/<slug>/registrations",
    description="Event registrations",
)

# Refusals about the event itself rather than about a value the caller sent.
EVENT_STATE_REFUSALS = {"event_cancelled", "window_not_open", "window_closed"}
# Form field names the registration service reports, as this API names them.
API_FIELD_NAMES = {"company": "company", "partners": "partners_to_meet"}


class RegistrationListArgs(PageArgs, RegistrationFilterArgs):
    pass


def by_slug(model: type[Capability] | type[Partner], slugs: list[str], field: str) -> list[Any]:
    """The rows named by ``slugs``; an unknown slug is a 422 naming the field."""
    found = {
        row.slug: row for row in db.session.scalars(select(model).where(model.slug.in_(slugs)))
    }
    if model is Partner:
        found = {slug: p for slug, p in found.items() if p.is_published and not p.is_archived}
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        abort(422, messages={"json": {field: [f"Unknown: {', '.join(unknown)}."]}})
    return [found[slug] for slug in dict.fromkeys(slugs)]


def details_from(request: dict[str, Any]) -> RegistrationDetails:
    return RegistrationDetails(
        name=request["name"],
        email=request["email"],
        company_name=request["company"],
        consent=True,
        position=request["position"],
        country=request["country"],
        language=request["language"],
        needs=by_slug(Capability, request["needs"], "needs"),
        partners_to_meet=by_slug(Partner, request["partners_to_meet"], "partners_to_meet"),
        answers=request["answers"],
    )


def refused(event: Event, error: RegistrationRefused) -> None:
    db.session.rollback()
    message = translator("en")(error.reason)
    if error.reason in EVENT_STATE_REFUSALS or not error.field:
        abort(409, message=message)
    field = "answers" if error.field.startswith("question_") else error.field
    field = API_FIELD_NAMES.get(field, field)
    abort(422, messages={"json": {field: [message]}})


@blueprint.route("")
class Registrations(MethodView):
    @blueprint.arguments(RegistrationRequestSchema)
    @blueprint.response(201, RegistrationReceiptSchema)
    @blueprint.alt_response(200, schema=RegistrationReceiptSchema, description="Already registered")
    @limiter.limit(registration_limit)
    def post(self, request: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Register for a published event: a seat if one is free, else the waiting list.

        The same email twice gives no second registration: the answer is 200 and the private
        link is mailed again.
        """
        event = published_event(slug)
        try:
            outcome = services.register(event, details_from(request))
        except RegistrationRefused as error:
            refused(event, error)
        db.session.commit()
        registration = outcome.registration
        if not outcome.is_new:
            detail = "Already registered; the private link has been sent again."
        elif registration.status.value == "confirmed":
            detail = "Registered; a confirmation with a calendar invitation is on its way."
        else:
            detail = "The event is full; you are on the waiting list."
        receipt = {
            "event": event.slug,
            "status": registration.status,
            "is_new": outcome.is_new,
            "detail": detail,
        }
        return receipt, 201 if outcome.is_new else 200

    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(RegistrationListArgs, location="query")
    @blueprint.response(200, page_schema(RegistrationSchema))
    @api_access(Role.viewer)
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The event's registrations, oldest first (staff)."""
        event = published_event(slug, include_drafts=True)
        query = select(Registration).where(Registration.event_id == event.id)
        if "status" in args:
            query = query.where(Registration.status == args["status"])
        return paginate(query.order_by(Registration.id), args["page"], args["per_page"])
