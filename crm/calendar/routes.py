"""Subscribable calendar files of published events (METHOD:PUBLISH)."""

from collections.abc import Sequence

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from crm.calendar.ics import listing_of
from crm.events.models import Event, EventStatus
from crm.events.planning import event_by_slug, published_events
from crm.extensions import db

blueprint = Blueprint("calendar", __name__)

CALENDAR_MIMETYPE = "text/calendar"


def calendar_response(events: Sequence[Event], filename: str) -> Response:
    """The file with an ETag of its content and Last-Modified of the latest change; 304 if fresh."""
    response = Response(listing_of(events).to_ical(), mimetype=CALENDAR_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    if events:
        response.last_modified = max(event.updated_at for event in events)
    response.add_etag()
    response.make_conditional(request)
    return response


@blueprint.get("/events/<slug>.ics")
def event_file(slug: str) -> Response:
    event = event_by_slug(slug)
    if event is None or event.status is not EventStatus.published:
        abort(404, description=_("There is no published event at this address."))
    return calendar_response([event], f"{event.slug}.ics")


@blueprint.get("/calendar.ics")
def feed() -> Response:
    events = db.session.scalars(published_events()).all()
    return calendar_response(events, "nuklid-events.ics")
