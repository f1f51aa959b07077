"""Password reset: a single-use link that expires, mailed in the account's language.

Asking for a link answers alike for every address (the caller says the same whether an account
exists or not), and using it ends every session of the account.
"""

import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from crm.auth.models import User
from crm.auth.passwords import hash_password
from crm.auth.services import normalise_email, password_refusal
from crm.auth.sessions import end_sessions, token_hash
from crm.db import utcnow
from crm.extensions import db
from crm.mail.outbox import queue_mail
from crm.password_reset.models import PasswordResetToken
from crm.refusals import Refused, refuse_any

LINK_LIFETIME = timedelta(hours=1)


def reset_url(token: str) -> str:
    """The absolute link for the mail, which is rendered outside any request."""
    path = current_app.url_map.bind("").build("password_reset.reset", {"token": token})
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def request_reset(email: str) -> None:
    """Mail a reset link to the enabled account with this address; otherwise do nothing."""
    try:
        email = normalise_email(email)
    except Refused:
        return
    user = db.session.scalar(select(User).where(User.email == email, User.is_enabled))
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    row = PasswordResetToken(
        user_id=user.id, token_hash=token_hash(token), expires_at=utcnow() + LINK_LIFETIME
    )
    db.session.add(row)
    db.session.flush()
    with force_locale(user.language):
        subject = _("Set a new password for the nukliD Lead Desk")
        text_body = render_template(
            "password_reset/mail.txt",
            user=user,
            url=reset_url(token),
            minutes=int(LINK_LIFETIME.total_seconds() // 60),
        )
    queue_mail(
        f"password-reset:{row.id}",
        to_email=user.email,
        to_name=user.name,
        subject=subject,
        text_body=text_body,
        language=user.language,
    )


def usable_token(token: str) -> PasswordResetToken | None:
    """The unused, unexpired link of an enabled account, or None."""
    return db.session.scalar(
        select(PasswordResetToken)
        .join(User, User.id == PasswordResetToken.user_id)
        .where(
            PasswordResetToken.token_hash == token_hash(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > utcnow(),
            User.is_enabled,
        )
    )


def reset_password(token: str, new_password: str) -> User:
    """Set the new password through a link: the link and every other one of the account stop
    working, and every session of the account ends."""
    found = usable_token(token)
    if found is None:
        raise Refused(
            "reset_link_unusable",
            "password",
            _l("This link has expired or was used already. Ask for a new one."),
        )
    user = db.session.get_one(User, found.user_id)
    refuse_any(refusal for refusal in [password_refusal(new_password, user.email)] if refusal)
    user.password_hash = hash_password(new_password)
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    end_sessions(user)
    return user
