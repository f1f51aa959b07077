from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class PrivacyRequestForm(FlaskForm):
    email = EmailField(
        _l("Email of the person"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    confirm_erasure = BooleanField(_l("I have checked the request; erase this person's data"))
    export = SubmitField(_l("Export their data"))
    erase = SubmitField(_l("Erase their data"))
