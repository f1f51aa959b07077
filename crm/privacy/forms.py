from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class PrivacyRequestForm(FlaskForm):
    email = EmailField("Email of the person", validators=[DataRequired(), Email(), Length(max=254)])
    confirm_erasure = BooleanField("I have checked the request; erase this person's data")
    export = SubmitField("Export their data")
    erase = SubmitField("Erase their data")
