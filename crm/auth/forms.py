from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from crm.auth.models import Role
from crm.auth.passwords import MINIMUM_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice(role.name) for role in Role])
    password = PasswordField(
        "Initial password", validators=[DataRequired(), Length(min=MINIMUM_LENGTH, max=1000)]
    )
