from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp

from crm.partners.models import LinkStatus, PartnerKind


class PartnerForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind", choices=[SelectChoice(kind.value, kind.value.title()) for kind in PartnerKind]
    )
    location = StringField("Location", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    website = URLField(
        "Website",
        validators=[
            Optional(),
            Regexp(r"^https?://", message="Enter an address starting with http:// or https://."),
            URL(message="Enter a full web address."),
            Length(max=300),
        ],
    )
    contact_name = StringField("Contact name", validators=[Optional(), Length(max=200)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(), Length(max=254)])
    capability_tags = StringField(
        "Capability tags",
        validators=[Length(max=2000)],
        description="Comma-separated tags from the capability vocabulary.",
    )
    is_published = BooleanField("Published in the public directory", default=True)

    def capability_names(self) -> list[str]:
        return (self.capability_tags.data or "").split(",")


class CapabilityForm(FlaskForm):
    label = StringField("Label", validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=80)],
        description="Letters, digits and hyphens; made from the label when left empty.",
    )


class MergeCapabilitiesForm(FlaskForm):
    merged = SelectField("Merge this tag", coerce=int)
    into = SelectField("into this tag", coerce=int)


class LinkForm(FlaskForm):
    # Ids of their own: the lead page also holds the stage form, whose reason is ``reason``.
    partner = SelectField("Partner", coerce=int, id="link-partner")
    reason = TextAreaField(
        "Reason", validators=[DataRequired(), Length(max=2000)], id="link-reason"
    )


class LinkStatusForm(FlaskForm):
    status = SelectField(
        "New status", choices=[SelectChoice(status.value, status.label) for status in LinkStatus]
    )
