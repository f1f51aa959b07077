"""Private manage links: signed with SECRET_KEY, void once the event is over or the link revoked."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from crm.db import utcnow
from crm.events.models import Registration, new_nonce
from crm.extensions import db

SALT = "registration-manage-link"


class LinkUnknown(Exception):
    """The token was tampered with, revoked, or names no registration."""


class LinkExpired(Exception):
    """The token is genuine but the event is over."""


def serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def manage_token(registration: Registration) -> str:
    return serializer().dumps({"registration": registration.id, "nonce": registration.manage_nonce})


def manage_url(registration: Registration) -> str:
    """The absolute link for the registrant's mail; the page opens in their language."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/r/{manage_token(registration)}?lang={registration.language}"


def registration_for_token(token: str) -> Registration:
    try:
        payload = serializer().loads(token)
    except BadSignature as error:
        raise LinkUnknown from error
    if not isinstance(payload, dict) or not isinstance(payload.get("registration"), int):
        raise LinkUnknown
    registration = db.session.scalar(
        select(Registration).where(Registration.id == payload["registration"])
    )
    if registration is None or registration.manage_nonce != payload.get("nonce"):
        raise LinkUnknown
    if registration.event.finishes_at <= utcnow():
        raise LinkExpired
    return registration


def revoke_manage_links(registration: Registration) -> None:
    registration.manage_nonce = new_nonce()
    db.session.flush()
