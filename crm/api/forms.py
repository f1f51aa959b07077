from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from crm.api.models import ApiScope


class TokenForm(FlaskForm):
    name = StringField(
        "Name (what the integration is)", validators=[DataRequired(), Length(max=120)]
    )
    scope = SelectField("Scope", choices=[SelectChoice(scope.value) for scope in ApiScope])
    user_id = SelectField("Acts as", coerce=int, validate_choice=True)
