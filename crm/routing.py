"""URL converters and request checks shared by every blueprint."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import unquote, urlencode

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

DATABASE_INTEGER_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an INTEGER column holds, so huge ids are a 404, not a 500."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def refuse_nul_characters() -> None:
    """Answer 400 to a request whose path, query or form carries a NUL character.

    PostgreSQL text cannot hold NUL, so such input would otherwise fail deep inside a query.
    The API's schemas refuse NUL in their own fields, naming the field, so only the path is
    checked here for /api requests.
    """
    has_nul = "\x00" in request.path or (
        not request.path.startswith("/api/")
        and (
            "\x00" in unquote(request.query_string.decode("latin-1"))
            or any("\x00" in value for values in request.form.listvalues() for value in values)
        )
    )
    if has_nul:
        abort(400, _("The request contains a NUL character, which no field accepts."))


View = TypeVar("View", bound=Callable[..., Any])


def accepts_uploads(view: View) -> View:
    """This view takes bodies up to ``MAX_UPLOAD_LENGTH``; the others ``MAX_CONTENT_LENGTH``."""
    view.accepts_uploads = True  # type: ignore[attr-defined]
    return view


def apply_upload_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_uploads", False):
        request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]


def url_with_query(endpoint: str, query: Mapping[str, object], **values: Any) -> str:
    """The URL of ``endpoint`` with ``query`` as its query string.

    Query arguments never go through ``url_for`` itself, where names such as ``_method``,
    ``_external`` or ``_anchor`` would steer how the URL is built (or fail with a 500).
    """
    url = url_for(endpoint, **values)
    return f"{url}?{urlencode(query)}" if query else url
