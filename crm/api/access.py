"""Who calls the API: a bearer token (no CSRF) or a logged-in browser session (CSRF on writes)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn, ParamSpec, TypeVar

from flask import g, request
from flask_babel import gettext
from flask_login import current_user
from flask_smorest import abort as smorest_abort

from crm.api.models import ApiScope
from crm.api.tokens import find_live_token
from crm.audit.actor import note_api_token
from crm.auth.models import Role, User
from crm.extensions import csrf

P = ParamSpec("P")
R = TypeVar("R")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BEARER_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def abort(status: int, **data: Any) -> NoReturn:
    """flask-smorest's abort (a problem document with ``message`` and ``messages``), which
    always raises."""
    smorest_abort(status, **data)
    raise AssertionError("abort returned")


@dataclass(frozen=True)
class ApiCaller:
    user: User
    scope: ApiScope
    is_token: bool


def identify_caller() -> ApiCaller | None:
    header = request.headers.get("Authorization", "")
    if header:
        kind, _, plain = header.partition(" ")
        token = find_live_token(plain.strip()) if kind.lower() == "bearer" else None
        if token is None:
            abort(401, message=gettext("The bearer token is missing, unknown or revoked."))
        note_api_token(token.id, token.user.id, token.user.email)
        return ApiCaller(token.user, token.scope, is_token=True)
    if current_user.is_authenticated:
        return ApiCaller(current_user._get_current_object(), ApiScope.write, is_token=False)
    return None


def api_access(role: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Require a caller whose role includes ``role``; writes need a write token or CSRF."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            caller = identify_caller()
            if caller is None:
                abort(401, message=gettext("Log in or send 'Authorization: Bearer <token>'."))
            is_write = request.method not in SAFE_METHODS
            if is_write and caller.scope is ApiScope.read:
                abort(403, message=gettext("This token may only read."))
            if not caller.user.has_role(role):
                abort(403, message=gettext("This needs the %(role)s role.", role=role.label))
            if is_write and not caller.is_token:
                csrf.protect()
            g.api_caller = caller
            return view(*args, **kwargs)

        return guarded

    return decorator
