"""The API's blueprints: flask-smorest's, reading JSON bodies within the limits of
``crm.json_input`` so that hostile JSON answers 400 naming why."""

import json
from typing import Any, NoReturn

import flask
import flask_smorest
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from crm.json_input import loads


class LimitedJsonParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        try:
            return loads(req.get_data(cache=True))
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError("The body is not UTF-8", "", error.start) from error

    def _handle_invalid_json_error(
        self,
        error: json.JSONDecodeError | UnicodeDecodeError,
        req: flask.Request,
        *args: Any,
        **kwargs: Any,
    ) -> NoReturn:
        why = error.msg if isinstance(error, json.JSONDecodeError) else "The body is not UTF-8"
        abort(400, exc=error, messages={"json": [f"Invalid JSON body: {why}."]})
        raise AssertionError("abort returned")


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = LimitedJsonParser()
