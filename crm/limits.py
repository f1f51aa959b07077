"""Request rate limits (Flask-Limiter syntax), read from the configuration at each request."""

from flask import current_app
from limits import RateLimitItem, parse

from crm.extensions import limiter


def configured(key: str) -> str:
    return str(current_app.config[key])


def login_limit() -> str:
    return configured("LOGIN_RATE_LIMIT")


def registration_limit() -> str:
    """Public registration posts per address, through the form and the API alike."""
    return configured("REGISTRATION_RATE_LIMIT")


def public_api_limit() -> str:
    return configured("API_PUBLIC_RATE_LIMIT")


# --- failed logins --------------------------------------------------------------------------
# Counted per account and client address together: someone elsewhere guessing a password slows
# down only themselves, never the account's owner at their own address.


def login_failure_limit() -> RateLimitItem:
    config = current_app.config
    return parse(f"{config['LOGIN_MAX_FAILURES']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes")


def login_failure_keys(email: str, address: str) -> tuple[str, ...]:
    return ("login-failures", email.strip().lower(), address)


def is_login_throttled(email: str, address: str) -> bool:
    return not limiter.limiter.test(login_failure_limit(), *login_failure_keys(email, address))


def count_login_failure(email: str, address: str) -> None:
    limiter.limiter.hit(login_failure_limit(), *login_failure_keys(email, address))


def forget_login_failures(email: str, address: str) -> None:
    limiter.limiter.clear(login_failure_limit(), *login_failure_keys(email, address))
