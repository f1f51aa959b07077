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

from crm.forms import SHOWN_REQUIRED
from crm.partners.models import LinkStatus, PartnerKind


class PartnerForm(FlaskForm):
    """Reads a partner; partners.services judges it."""

    name = StringField("Name", [SHOWN_REQUIRED])
    kind = SelectField(
        "Kind", choices=[SelectChoice(kind.value, kind.value.title()) for kind in PartnerKind]
    )
    location = StringField("Location", [SHOWN_REQUIRED])
    description = TextAreaField("Description")
    website = URLField("Website")
    contact_name = StringField("Contact name")
    contact_email = EmailField("Contact email")
    capability_tags = StringField(
        "Capability tags", description="Comma-separated tags from the capability vocabulary."
    )
    is_published = BooleanField("Published in the public directory", default=True)

    def capability_names(self) -> list[str]:
        return (self.capability_tags.data or "").split(",")


class CapabilityForm(FlaskForm):
    label = StringField("Label", [SHOWN_REQUIRED])
    slug = StringField(
        "Slug", description="Letters, digits and hyphens; made from the label when left empty."
    )


class MergeCapabilitiesForm(FlaskForm):
    merged = SelectField("Merge this tag", coerce=int)
    into = SelectField("into this tag", coerce=int)


class LinkForm(FlaskForm):
    # Ids of their own: the lead page also holds the stage form, whose reason is ``reason``.
    partner = SelectField("Partner", coerce=int, id="link-partner")
    reason = TextAreaField("Reason", [SHOWN_REQUIRED], id="link-reason")


class LinkStatusForm(FlaskForm):
    status = SelectField(
        "New status", choices=[SelectChoice(status.value, status.label) for status in LinkStatus]
    )
