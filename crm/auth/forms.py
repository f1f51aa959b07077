from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length

from crm.auth.models import Role
from crm.auth.passwords import MINIMUM_LENGTH
from crm.vocabulary.places import LANGUAGE_NAMES, LANGUAGES, time_zone_names


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class AccountForm(FlaskForm):
    language = SelectField(
        _l("Your language"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        description=_l("The staff pages and the mail you get from the Lead Desk use it."),
    )
    timezone = SelectField(
        _l("Your time zone"),
        description=_l("Times on the staff pages are shown and entered in this zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone) for zone in time_zone_names()]


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1000)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("At least %(count)s characters.", count=MINIMUM_LENGTH),
    )


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.name, role.lazy_label) for role in Role]
    )
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=MINIMUM_LENGTH, max=1000)]
    )
