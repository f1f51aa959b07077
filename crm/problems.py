"""Errors as ``application/problem+json`` (RFC 9457) under /api, HTML pages elsewhere."""

from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from crm.refusals import Conflict, Refusals, Refused, each_refusal

PROBLEM_JSON = "application/problem+json"

# What an error says to a person, in their language: its name and what happened, where the code
# that raised it gave no words of its own.
ERROR_WORDS: dict[int, tuple[Any, Any]] = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not signed in"), _l("Please sign in first.")),
    403: (_l("Forbidden"), _l("Your account may not do this.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("This conflicts with the current state of things.")),
    410: (_l("Gone"), _l("This is no longer available.")),
    413: (_l("Too large"), _l("What was sent is too large.")),
    415: (_l("Unsupported media type"), _l("This address does not accept this kind of content.")),
    422: (_l("Cannot be processed"), _l("Some of what was sent is not valid.")),
    429: (_l("Too many requests"), _l("Too many requests: please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side.")),
}


def error_name(error: HTTPException) -> str:
    words = ERROR_WORDS.get(error.code or 500)
    return str(words[0]) if words else str(error.name)


def error_description(error: HTTPException) -> str:
    """The error's own words if the code that raised it gave some, else the general ones."""
    own = error.description
    is_general = own == type(error).description or error.code in (429,) or own is None
    words = ERROR_WORDS.get(error.code or 500)
    return str(words[1]) if is_general and words else str(own)


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "messages per location and field"})
    duplicate_ids = fields.List(
        fields.Integer(), metadata={"description": "companies that look like the one sent (409)"}
    )
    codes = fields.List(
        fields.String(), metadata={"description": "the rules that refused the request"}
    )


class ProblemApi(Api):
    """flask-smorest documenting errors as problem documents, without its app-wide handler.

    ``crm.blueprints.http_error`` answers errors: problem JSON under /api, HTML pages elsewhere.
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        # The base class documents every error response with DEFAULT_RESPONSE_CONTENT_TYPE.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(error: HTTPException) -> Response:
    data: dict[str, Any] = getattr(error, "data", None) or {}
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": error.name,
        "status": error.code,
        "detail": str(data.get("message") or error_description(error)),
    }
    if "messages" in data:
        body["errors"] = data["messages"]
    body.update(data.get("extensions") or {})
    response = jsonify(body)
    response.status_code = error.code or 500
    response.content_type = PROBLEM_JSON
    for name, value in error.get_headers() if error.response is None else []:
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def api_field(field: str | None) -> str:
    """The request field a service's refusal names, as the API calls it."""
    if field is None:
        return "json"
    return "answers" if field.startswith("question_") else field


def refusal_problem(error: Refused | Refusals) -> Response:
    """A refusal as the API answers it: 409 for a conflict, else 422 naming each field."""
    refusals = each_refusal(error)
    conflict = next((refusal for refusal in refusals if isinstance(refusal, Conflict)), None)
    if conflict is not None:
        status, detail = 409, conflict.message
    else:
        status = 422
        detail = " ".join(refusal.message for refusal in refusals)
    fields: dict[str, list[str]] = {}
    for refusal in refusals:
        fields.setdefault(api_field(refusal.field), []).append(refusal.message)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Conflict" if status == 409 else "Unprocessable Entity",
        "status": status,
        "detail": detail,
        "errors": {"json": fields},
        "codes": [refusal.code for refusal in refusals],
    }
    for refusal in refusals:
        body.update(refusal.facts)
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_JSON
    return response
