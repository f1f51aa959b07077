"""Issuing, finding and revoking API tokens."""

import hashlib
import secrets

from sqlalchemy import select

from crm.api.models import ApiScope, ApiToken
from crm.auth.models import User
from crm.db import utcnow
from crm.extensions import db

TOKEN_PREFIX = "nld_"


def token_hash(plain: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; no salt needed.
    return hashlib.sha256(plain.encode()).hexdigest()


def issue_token(name: str, scope: ApiScope, user: User, *, by: User) -> tuple[ApiToken, str]:
    """A new token acting as ``user``; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        token_hash=token_hash(plain),
        shown_prefix=plain[:10],
        scope=scope,
        user=user,
        created_by=by,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def find_live_token(plain: str) -> ApiToken | None:
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if token is None or token.is_revoked or not token.user.is_enabled:
        return None
    token.last_used_at = utcnow()
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
