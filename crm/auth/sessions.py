"""Server-side sessions: the cookie names a login by a random id; the server can end it."""

import hashlib
import secrets

from flask import session
from sqlalchemy import select, update

from crm.auth.models import User, UserSession
from crm.db import utcnow
from crm.extensions import db

SESSION_KEY = "login_session"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """A fresh session id for this login (never one the browser brought along)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash(token)))
    db.session.flush()
    session[SESSION_KEY] = token


def current_session() -> UserSession | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    return db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None)
        )
    )


def end_session() -> None:
    """Revoke this browser's session on the server and forget it in the browser."""
    live = current_session()
    if live is not None:
        live.revoked_at = utcnow()
        db.session.flush()
    session.pop(SESSION_KEY, None)


def end_other_sessions(user: User) -> int:
    """Revoke every live session of the user except this browser's (after a password change)."""
    return end_sessions(user, keep=current_session())


def end_sessions(user: User, keep: UserSession | None = None) -> int:
    """Revoke every live session of the user but ``keep`` (after a password reset: all)."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=utcnow()))
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
