from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import EventSchema
from crm.events.models import Event, EventStatus
from crm.extensions import db, limiter

blueprint = Blueprint("api_events", __name__, url_prefix="/api/v1/events", description="Events")


def public_limit() -> str:
    from flask import current_app

    return current_app.config["API_PUBLIC_RATE_LIMIT"]


@blueprint.route("")
class Events(MethodView):
    decorators = [limiter.limit(public_limit)]

    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(EventSchema))
    def get(self, args: dict[str, int]) -> dict[str, object]:
        """Published events, soonest first."""
        query = (
            select(Event)
            .where(Event.status == EventStatus.published)
            .order_by(Event.starts_on, Event.starts_at, Event.id)
        )
        return paginate(query, args["page"], args["per_page"])


@blueprint.route("/<slug>")
class EventDetail(MethodView):
    decorators = [limiter.limit(public_limit)]

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
