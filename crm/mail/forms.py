from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from crm.mail.models import OutboxStatus


class OutboxFilterForm(FlaskForm):
    """The status filter of the outbox list, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(status.value, status.lazy_label) for status in OutboxStatus],
        default="",
    )
