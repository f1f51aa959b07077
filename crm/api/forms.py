from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from crm.api.models import ApiScope


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name (what the integration is)"), validators=[DataRequired(), Length(max=120)]
    )
    scope = SelectField(
        _l("Scope"), choices=[SelectChoice(scope.value, scope.lazy_label) for scope in ApiScope]
    )
    user_id = SelectField(_l("Acts as"), coerce=int, validate_choice=True)
