"""Request rate limits (Flask-Limiter syntax), read from the configuration at each request."""

from flask import current_app


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def registration_limit() -> str:
    """Public registration posts per address, through the form and the API alike."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def public_api_limit() -> str:
    return current_app.config["API_PUBLIC_RATE_LIMIT"]
