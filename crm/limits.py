"""Request rate limits (Flask-Limiter syntax), read from the configuration at each request."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse

from crm.extensions import limiter

View = TypeVar("View", bound=Callable[..., Any])


def configured(key: str) -> str:
    return str(current_app.config[key])


def login_limit() -> str:
    return configured("LOGIN_RATE_LIMIT")


def password_reset_limit() -> str:
    """Asking for a password reset link (each may mail someone) and using one, per address."""
    return configured("PASSWORD_RESET_RATE_LIMIT")


def registration_limit() -> str:
    """Public registration posts per client address, through the form and the API together."""
    return configured("REGISTRATION_RATE_LIMIT")


def registration_domain_limit() -> str:
    """Public registration posts per recipient mail domain, through the form and the API
    together: each registration mails the address typed in, so this bounds what one mailbox
    (``victim+1@``, ``victim+2@``, …) or one organisation can be sent by strangers."""
    return configured("REGISTRATION_DOMAIN_RATE_LIMIT")


def recipient_domain() -> str:
    """The mail domain of the address a registration would write to, from the form or JSON."""
    email = request.form.get("email") if request.form else None
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    domain = email.rpartition("@")[2] if isinstance(email, str) else ""
    return domain.strip().lower()[:254] or "-"


def too_many_registrations() -> str:
    return str(_("Too many registrations from here or for this mail domain. Try again later."))


def limit_public_registration(view: View) -> View:
    """The shared limits of every public registration door (the form and the API)."""
    by_address = limiter.shared_limit(
        registration_limit,
        scope="public-registration",
        methods=["POST"],
        error_message=too_many_registrations,
    )
    by_domain = limiter.shared_limit(
        registration_domain_limit,
        scope="public-registration-domain",
        key_func=recipient_domain,
        methods=["POST"],
        error_message=too_many_registrations,
    )
    return cast(View, by_address(by_domain(view)))


def manage_link_limit() -> str:
    """Changes through one registration's private link (each may mail an update)."""
    return configured("MANAGE_LINK_RATE_LIMIT")


def public_api_limit() -> str:
    return configured("API_PUBLIC_RATE_LIMIT")


# --- failed logins --------------------------------------------------------------------------
# Counted per account and client address together: someone elsewhere guessing a password slows
# down only themselves, never the account's owner at their own address. The counters of an
# account carry its number of unlocks: an admin unlocking it leaves the old counters behind, at
# every address at once, whatever the rate-limit store. With the limits switched off
# (``RATELIMIT_ENABLED = False``) there is no store, and failed logins are not counted either.


def login_failure_limit() -> RateLimitItem:
    config = current_app.config
    return parse(f"{config['LOGIN_MAX_FAILURES']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes")


def login_failure_keys(email: str, address: str, unlocks: int) -> tuple[str, ...]:
    """The counter of one account from one address; an admin's unlock starts new counters."""
    return ("login-failures", email.strip().lower(), address, str(unlocks))


def limits_on() -> bool:
    return bool(current_app.config["RATELIMIT_ENABLED"])


def is_login_throttled(email: str, address: str, unlocks: int = 0) -> bool:
    keys = login_failure_keys(email, address, unlocks)
    return limits_on() and not limiter.limiter.test(login_failure_limit(), *keys)


def count_login_failure(email: str, address: str, unlocks: int = 0) -> None:
    if limits_on():
        limiter.limiter.hit(login_failure_limit(), *login_failure_keys(email, address, unlocks))


def forget_login_failures(email: str, address: str, unlocks: int = 0) -> None:
    if limits_on():
        limiter.limiter.clear(login_failure_limit(), *login_failure_keys(email, address, unlocks))
