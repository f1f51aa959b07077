"""The application the registration benchmark serves: the product's app plus a bare POST
endpoint (``/bench/bare``) that parses the JSON body and answers, as the baseline.

The endpoint exists only here, never in the product. ``gunicorn bench.registration_app:app``.
"""

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from crm import create_app
from crm.extensions import csrf

BARE_PATH = "/bench/bare"

app = create_app()


@app.post(BARE_PATH)
@csrf.exempt
def bare() -> ResponseReturnValue:
    body = request.get_json()
    return jsonify(received=len(body)), 202
