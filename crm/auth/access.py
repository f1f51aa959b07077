"""Who may do what: login and role checks for views."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.sessions import current_session
from crm.extensions import db, login

P = ParamSpec("P")
R = TypeVar("R")

login.login_view = "auth.login"
login.login_message_category = "info"
login.session_protection = "strong"


@login.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a live server-side session: a revoked one (logged out, password changed)
    logs nobody in, whatever the signed cookie says."""
    live = current_session()
    if not user_id.isdigit() or live is None or live.user_id != int(user_id):
        return None
    return db.session.scalar(select(User).where(User.id == int(user_id)))


def role_required(role: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only logged-in users whose role includes ``role`` get through; others get 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator
