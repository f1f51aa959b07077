"""How other capabilities take part in sending without the mail package knowing them.

``mail_sent`` is a signal sent with each outbox message once it is delivered (the leads timeline
records it). The calendar part of an invitation is written, when the message goes out, by the
function the application set with ``use_invitation_writer`` (crm.calendar.invitations).
"""

from collections.abc import Callable

from blinker import Namespace
from flask import Flask, current_app

from crm.mail.models import OutboxMessage

signals = Namespace()
mail_sent = signals.signal("mail-sent")

InvitationWriter = Callable[[OutboxMessage], str | None]
EXTENSION_KEY = "crm.invitation_writer"


def use_invitation_writer(app: Flask, writer: InvitationWriter) -> None:
    app.extensions[EXTENSION_KEY] = writer


def invitation_of(message: OutboxMessage) -> str | None:
    """The iCalendar text of the message's invitation, or None for plain mail."""
    writer: InvitationWriter | None = current_app.extensions.get(EXTENSION_KEY)
    if message.calendar_method is None or writer is None:
        return None
    return writer(message)
