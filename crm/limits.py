"""Request rate limits (Flask-Limiter syntax), read from the configuration at each request."""

from flask import current_app


def configured(key: str) -> str:
    return str(current_app.config[key])


def login_limit() -> str:
    return configured("LOGIN_RATE_LIMIT")


def registration_limit() -> str:
    """Public registration posts per address, through the form and the API alike."""
    return configured("REGISTRATION_RATE_LIMIT")


def public_api_limit() -> str:
    return configured("API_PUBLIC_RATE_LIMIT")
