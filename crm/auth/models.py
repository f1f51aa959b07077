import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import utcnow
from crm.extensions import Model
from crm.i18n import Labelled, name_members

OFFICE_TIMEZONE = "Europe/Berlin"
STAFF_LANGUAGE = "en"


class Role(Labelled, enum.Enum):
    """Staff roles, each including the rights of the ones below it."""

    viewer = 1
    staff = 2
    admin = 3

    def includes(self, other: "Role") -> bool:
        return self.value >= other.value


name_members({Role.viewer: _l("viewer"), Role.staff: _l("staff"), Role.admin: _l("admin")})


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("language IN ('en', 'de')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", native_enum=False, create_constraint=True)
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    # The IANA zone in which the person reads and enters times on the staff pages.
    timezone: Mapped[str] = mapped_column(
        String(64), default=OFFICE_TIMEZONE, server_default=OFFICE_TIMEZONE
    )
    # The language of the staff pages and of the mail the person gets (the daily digest).
    language: Mapped[str] = mapped_column(
        String(2), default=STAFF_LANGUAGE, server_default=STAFF_LANGUAGE
    )
    last_login_at: Mapped[datetime | None]
    # How often an admin unlocked the account's throttled logins (part of the counters' key).
    login_unlocks: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    def has_role(self, role: Role) -> bool:
        return self.role.includes(role)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.name}>"


class UserSession(Model):
    """A login, named in the session cookie by a random id of which only the hash is stored.

    Logging out revokes it, and a password change revokes the user's other sessions, so a copied
    cookie stops working on the server and not only in the browser that dropped it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
