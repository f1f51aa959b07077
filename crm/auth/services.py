from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.passwords import MINIMUM_LENGTH, hash_password, needs_rehash, verify_password
from crm.db import utcnow
from crm.extensions import db
from crm.refusals import Refused, refuse_any
from crm.vocabulary.places import LANGUAGES, is_time_zone

MAXIMUM_PASSWORD_LENGTH = 1000
NAME_LENGTH = User.name.type.length


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Refused(
            "invalid_email", "email", _l("Not a valid email address: {why}"), why=error
        ) from error


def password_refusal(password: str, field: str = "password") -> Refused | None:
    if not MINIMUM_LENGTH <= len(password) <= MAXIMUM_PASSWORD_LENGTH:
        return Refused(
            "password_length",
            field,
            _l("The password must have at least {low} characters (and at most {high})."),
            low=MINIMUM_LENGTH,
            high=MAXIMUM_PASSWORD_LENGTH,
        )
    return None


def create_user(email: str, name: str, role: Role, password: str) -> User:
    refusals = [password_refusal(password)]
    if not name.strip():
        refusals.append(Refused("required", "name", _l("A name is required.")))
    elif len(name.strip()) > NAME_LENGTH:
        refusals.append(
            Refused("too_long", "name", _l("At most {limit} characters."), limit=NAME_LENGTH)
        )
    try:
        email = normalise_email(email)
    except Refused as refusal:
        refusals.append(refusal)
    else:
        if db.session.scalar(select(User).where(User.email == email)):
            refusals.append(
                Refused(
                    "email_taken",
                    "email",
                    _l("A user with the email {email} exists already."),
                    email=email,
                )
            )
    refuse_any(refusal for refusal in refusals if refusal is not None)
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def has_admin() -> bool:
    return db.session.scalar(select(User.id).where(User.role == Role.admin).limit(1)) is not None


def accounts() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def enabled_accounts() -> list[User]:
    return list(db.session.scalars(select(User).where(User.is_enabled).order_by(User.name)))


def change_settings(user: User, timezone: str, language: str) -> None:
    """The zone and the language a staff member reads (and gets mail) in."""
    refusals = []
    if not is_time_zone(timezone):
        refusals.append(
            Refused(
                "unknown_time_zone",
                "timezone",
                _("{zone!r} is not a time zone such as Europe/Berlin."),
                zone=timezone,
            )
        )
    if language not in LANGUAGES:
        refusals.append(
            Refused("unknown_language", "language", _("Please choose English or German."))
        )
    refuse_any(refusals)
    user.timezone = timezone
    user.language = language
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The user if the credentials are right and the account is usable, else None.

    Unknown users, wrong passwords, disabled and locked-out accounts all give None, so a caller
    cannot tell them apart. Repeated failures lock the account for a while.
    """
    try:
        email = normalise_email(email)
    except Refused:
        verify_password(_dummy_hash(), password)
        return None
    user: User | None = db.session.scalar(select(User).where(User.email == email))
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
