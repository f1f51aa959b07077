import json
from dataclasses import replace
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from wtforms import ValidationError

from crm.api.access import BEARER_SECURITY, api_access
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import EVENT_FIELDS, EventInputSchema, EventSchema, EventUpdateSchema
from crm.auth.models import Role
from crm.events import services
from crm.events.forms import parse_questions
from crm.events.models import Event, EventStatus
from crm.events.planning import EventDetails, EventRefused, details_of, save_event
from crm.events.services import RegistrationRefused
from crm.events.texts import translator
from crm.extensions import db, limiter
from crm.limits import public_api_limit

blueprint = Blueprint("api_events", __name__, url_prefix="/api/v1/events", description="Events")


@blueprint.route("")
class Events(MethodView):
    decorators = [limiter.limit(public_api_limit)]

    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(EventSchema))
    def get(self, args: dict[str, int]) -> dict[str, object]:
        """Published events, soonest first."""
        query = (
            select(Event)
            .where(Event.status == EventStatus.published)
            .order_by(Event.sort_at, Event.id)
        )
        return paginate(query, args["page"], args["per_page"])


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
    query = select(Event).where(Event.slug == slug)
    if not include_drafts:
        query = query.where(Event.status != EventStatus.draft)
    event = db.session.scalar(query)
    if event is None:
        abort(404, message=f"No event '{slug}'.")
    return event


def saved(event: Event | None, details: EventDetails) -> Event:
    """Save through the planning rules; refusals become 422 naming the field."""
    try:
        event = save_event(event, details)
    except EventRefused as refusal:
        db.session.rollback()
        abort(422, messages={"json": {refusal.field: [refusal.message]}})
    except RegistrationRefused as refusal:
        db.session.rollback()
        abort(422, messages={"json": {"capacity": [translator("en")(refusal.reason)]}})
    return event


def checked_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        return parse_questions(json.dumps(questions))
    except ValidationError as error:
        abort(422, messages={"json": {"questions": [str(error)]}})


@blueprint.route("", methods=["POST"])
class EventCreation(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(EventInputSchema)
    @blueprint.response(201, EventSchema)
    def post(self, data: dict[str, Any]) -> Event:
        """Create an event as a draft (staff)."""
        data["questions"] = checked_questions(data.get("questions", []))
        event = saved(None, EventDetails(**data))
        db.session.commit()
        return event


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
        if "questions" in data:
            data["questions"] = checked_questions(data["questions"])
        event = saved(event, replace(details_of(event), **data))
        if status is EventStatus.published and event.status is EventStatus.draft:
            services.publish_event(event)
        elif status is EventStatus.cancelled and event.status is not EventStatus.cancelled:
            services.cancel_event(event)
        elif status is not None and status is not event.status:
            abort(409, message=f"A {event.status.value} event cannot become {status.value}.")
        db.session.commit()
        return event
