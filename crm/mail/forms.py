from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from crm.mail.models import OutboxStatus


class OutboxFilterForm(FlaskForm):
    """The status filter of the outbox list, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All")]
        + [SelectChoice(status.value, status.value.title()) for status in OutboxStatus],
        default="",
    )
