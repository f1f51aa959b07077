"""Who is acting: the signed-in staff member, the API token, or a named system actor.

A request names its caller (a staff member's session, or the API token that
``note_api_token`` was told about); a request without either is the public registration (the
form, the API and the private links). Outside requests the command line acts, unless code
runs ``with acting_as("worker")`` (or ``"import"``), which also names the channel of a
request's changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from flask import g, has_request_context, request
from flask_login import current_user

WEB = "web"
API = "api"
IMPORT = "import"
CLI = "cli"
WORKER = "worker"
REGISTRATION = "registration"
CHANNELS = (WEB, API, IMPORT, CLI, WORKER, REGISTRATION)

_channel: ContextVar[str | None] = ContextVar("audit_channel", default=None)


@dataclass(frozen=True)
class Actor:
    name: str
    channel: str
    user_id: int | None = None
    token_id: int | None = None


@contextmanager
def acting_as(channel: str) -> Iterator[None]:
    """Record what is done inside as done through ``channel`` (by the signed-in staff member
    or token if there is one, else by ``channel`` itself)."""
    reset = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(reset)


def note_api_token(token_id: int, user_id: int, user_email: str) -> None:
    """The request is made with this API token, acting as its user."""
    g.audit_token_actor = Actor(user_email, API, user_id=user_id, token_id=token_id)


def current_actor() -> Actor:
    channel = _channel.get()
    if not has_request_context():
        return Actor(channel or CLI, channel or CLI)
    token_actor: Actor | None = g.get("audit_token_actor")
    if token_actor is not None:
        return replace(token_actor, channel=channel or API)
    if current_user.is_authenticated:
        default = API if request.path.startswith("/api/") else WEB
        return Actor(current_user.email, channel or default, user_id=current_user.id)
    return Actor(channel or REGISTRATION, channel or REGISTRATION)
