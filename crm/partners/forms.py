from flask_babel import lazy_gettext as _l
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

    name = StringField(_l("Name"), [SHOWN_REQUIRED])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, kind.lazy_label) for kind in PartnerKind]
    )
    location = StringField(_l("Location"), [SHOWN_REQUIRED])
    description = TextAreaField(_l("Description"))
    website = URLField(_l("Website"))
    contact_name = StringField(_l("Contact name"))
    contact_email = EmailField(_l("Contact email"))
    capability_tags = StringField(
        _l("Capability tags"),
        description=_l("Comma-separated tags from the capability vocabulary."),
    )
    is_published = BooleanField(_l("Published in the public directory"), default=True)

    def capability_names(self) -> list[str]:
        return (self.capability_tags.data or "").split(",")


class CapabilityForm(FlaskForm):
    label = StringField(_l("Label"), [SHOWN_REQUIRED])
    slug = StringField(
        _l("Slug"),
        description=_l("Letters, digits and hyphens; made from the label when left empty."),
    )


class MergeCapabilitiesForm(FlaskForm):
    merged = SelectField(_l("Merge this tag"), coerce=int)
    into = SelectField(_l("into this tag"), coerce=int)


class LinkForm(FlaskForm):
    # Ids of their own: the lead page also holds the stage form, whose reason is ``reason``.
    partner = SelectField(_l("Partner"), coerce=int, id="link-partner")
    reason = TextAreaField(_l("Reason"), [SHOWN_REQUIRED], id="link-reason")


class LinkStatusForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        choices=[SelectChoice(status.value, status.lazy_label) for status in LinkStatus],
    )
