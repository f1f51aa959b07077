"""Liveness and readiness probes for load balancers and orchestrators."""

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db, limiter

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@blueprint.get("/readyz")
@limiter.exempt
def readyz() -> ResponseReturnValue:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="unavailable", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
