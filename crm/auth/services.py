import re
import string
from functools import cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.passwords import MINIMUM_LENGTH, hash_password, needs_rehash, verify_password
from crm.db import utcnow
from crm.extensions import db
from crm.limits import count_login_failure, forget_login_failures, is_login_throttled
from crm.refusals import Refused, refuse_any
from crm.vocabulary.places import LANGUAGES, is_time_zone

MAXIMUM_PASSWORD_LENGTH = 1000
# Shorter parts of an address (``li`` of ``li.wu@``) are too common inside words to refuse.
MINIMUM_ADDRESS_PART = 3
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
TRIMMED = string.digits + string.punctuation + " "
NAME_LENGTH = User.name.type.length


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Refused(
            "invalid_email", "email", _l("Not a valid email address: {why}"), why=error
        ) from error


def password_refusal(password: str, email: str, field: str = "password") -> Refused | None:
    """The one password rule of every door (new accounts, one's own change, the reset link):
    long enough, not built on the account's address, not one of the most common passwords."""
    if not MINIMUM_LENGTH <= len(password) <= MAXIMUM_PASSWORD_LENGTH:
        return Refused(
            "password_length",
            field,
            _l("The password must have at least {low} characters (and at most {high})."),
            low=MINIMUM_LENGTH,
            high=MAXIMUM_PASSWORD_LENGTH,
        )
    if any(part in password.lower() for part in address_parts(email)):
        return Refused(
            "password_contains_email",
            field,
            _l("The password must not contain the name of the email address."),
        )
    if is_common_password(password):
        return Refused(
            "password_common",
            field,
            _l("This password is one of the most common ones; please choose another."),
        )
    return None


def address_parts(email: str) -> set[str]:
    """The local part of an address and its words (``katrin.vogel``: ``katrin``, ``vogel``)."""
    local = email.rpartition("@")[0].lower() if "@" in email else email.lower()
    words = re.split(r"[._+\-]+", local)
    return {part for part in [local, *words] if len(part) >= MINIMUM_ADDRESS_PART}


def is_common_password(password: str) -> bool:
    """Whether the password, or its core without digits and punctuation at either end, is on
    the list in ``common_passwords.txt``."""
    lowered = password.lower()
    return bool({lowered, lowered.strip(TRIMMED)} & common_passwords())


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def create_user(email: str, name: str, role: Role, password: str) -> User:
    refusals = [password_refusal(password, email)]
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
                _l("{zone!r} is not a time zone such as Europe/Berlin."),
                zone=timezone,
            )
        )
    if language not in LANGUAGES:
        refusals.append(
            Refused("unknown_language", "language", _l("Please choose English or German."))
        )
    refuse_any(refusals)
    user.timezone = timezone
    user.language = language
    db.session.flush()


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the credentials are right and the account is usable, else None.

    Unknown users, wrong passwords, disabled accounts and throttled attempts all give None after
    the same password-hash work, so neither the answer nor its time tells them apart. Repeated
    failures throttle this email from this client address only: the owner elsewhere can still
    log in.
    """
    user: User | None = None
    try:
        email = normalise_email(email)
    except Refused:
        pass
    else:
        user = db.session.scalar(select(User).where(User.email == email))
    # The hash work comes first and always, whatever the outcome.
    is_right = verify_password(user.password_hash if user else _dummy_hash(), password)
    unlocks = user.login_unlocks if user else 0
    if is_login_throttled(email, address, unlocks):
        return None
    if user is None or not is_right or not user.is_enabled:
        count_login_failure(email, address, unlocks)
        return None
    forget_login_failures(email, address, unlocks)
    user.last_login_at = utcnow()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def unlock_logins(user: User) -> None:
    """End the login throttle of the account at every address (an admin's decision)."""
    user.login_unlocks += 1
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password; the current one is needed. The caller ends the other sessions."""
    if not verify_password(user.password_hash, current_password):
        raise Refused(
            "wrong_password", "current_password", _l("This is not your current password.")
        )
    refuse_any(
        refusal
        for refusal in [password_refusal(new_password, user.email, "new_password")]
        if refusal
    )
    user.password_hash = hash_password(new_password)
    db.session.flush()


@cache
def _dummy_hash() -> str:
    return hash_password("not a real password")
