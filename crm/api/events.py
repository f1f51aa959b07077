"""Events through the API: the public list and one event; staff create, change, publish and
cancel through the planning rules (refusals answered by ``crm.problems.refusal_problem``)."""

from dataclasses import replace
from typing import Any

from flask.views import MethodView
from flask_babel import gettext

from crm.api.access import BEARER_SECURITY, abort, api_access
from crm.api.blueprint import Blueprint
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import EVENT_FIELDS, EventInputSchema, EventSchema, EventUpdateSchema
from crm.auth.models import Role
from crm.events import planning
from crm.events.models import Event
from crm.events.planning import EventDetails, details_of, save_event
from crm.extensions import limiter
from crm.limits import public_api_limit

blueprint = Blueprint("api_events", __name__, url_prefix="/api/v1/events", description="Events")


@blueprint.route("")
class Events(MethodView):
    decorators = [limiter.limit(public_api_limit)]

    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(EventSchema))
    def get(self, args: dict[str, int]) -> dict[str, object]:
        """Published events, soonest first."""
        return paginate(planning.published_events(), args["page"], args["per_page"])


@blueprint.route("/<slug>")
class EventDetail(MethodView):
    decorators = [limiter.limit(public_api_limit)]

    @blueprint.etag
    @blueprint.response(200, EventSchema)
    def get(self, slug: str) -> Event:
        """One published (or cancelled) event."""
        return published_event(slug)


def published_event(slug: str, *, include_drafts: bool = False) -> Event:
    """The published or cancelled event with this slug, or a 404 problem; drafts when asked."""
    event = planning.event_by_slug(slug, include_drafts=include_drafts)
    if event is None:
        abort(404, message=gettext("No event '%(slug)s'.", slug=slug))
    return event


@blueprint.route("", methods=["POST"])
class EventCreation(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(EventInputSchema)
    @blueprint.response(201, EventSchema)
    def post(self, data: dict[str, Any]) -> Event:
        """Create an event as a draft (staff)."""
        return save_event(None, EventDetails(**data))


@blueprint.route("/<slug>", methods=["PATCH"])
class EventChange(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(EventUpdateSchema(partial=EVENT_FIELDS))
    @blueprint.response(200, EventSchema)
    def patch(self, data: dict[str, Any], slug: str) -> Event:
        """Change an event (staff); a changed schedule sends everyone an updated invitation.

        ``status`` publishes a draft or cancels the event, telling every registrant.
        """
        event = published_event(slug, include_drafts=True)
        status = data.pop("status", None)
        event = save_event(event, replace(details_of(event), **data))
        if status is not None and status is not event.status:
            planning.change_event_status(event, status)
        return event
