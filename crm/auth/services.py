from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.passwords import MINIMUM_LENGTH, hash_password, needs_rehash, verify_password
from crm.db import utcnow
from crm.extensions import db
from crm.i18n import time_zone_names


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise UserError(f"Not a valid email address: {error}") from error


def create_user(email: str, name: str, role: Role, password: str) -> User:
    email = normalise_email(email)
    if not name.strip():
        raise UserError("A name is required.")
    if len(password) < MINIMUM_LENGTH:
        raise UserError(f"The password must have at least {MINIMUM_LENGTH} characters.")
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"A user with the email {email} exists already.")
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def change_timezone(user: User, timezone: str) -> None:
    if timezone not in time_zone_names():
        raise UserError(f"{timezone!r} is not a time zone such as Europe/Berlin.")
    user.timezone = timezone
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The user if the credentials are right and the account is usable, else None.

    Unknown users, wrong passwords, disabled and locked-out accounts all give None, so a caller
    cannot tell them apart. Repeated failures lock the account for a while.
    """
    try:
        email = normalise_email(email)
    except UserError:
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        verify_password(_dummy_hash(), password)  # spend the same time as for a real account
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return None
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
        return None
    if not user.is_enabled:
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("not a real password")
