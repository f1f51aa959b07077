"""Errors as ``application/problem+json`` (RFC 9457) under /api, HTML pages elsewhere."""

from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from crm.refusals import Conflict, Refusals, Refused, each_refusal

PROBLEM_JSON = "application/problem+json"


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
        "detail": data.get("message") or error.description,
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
