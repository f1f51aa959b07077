from typing import Any

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

from crm.forms import SHOWN_REQUIRED, GroupedCheckboxesField
from crm.partners.models import LinkStatus, PartnerKind
from crm.vocabulary.groups import group_label
from crm.vocabulary.models import CapabilityGroup


class PartnerForm(FlaskForm):
    """Reads a partner; partners.services judges it."""

    name = StringField(_l("Name"), [SHOWN_REQUIRED])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, kind.lazy_label) for kind in PartnerKind]
    )
    location = StringField(_l("Location"), [SHOWN_REQUIRED])
    description_en = TextAreaField(_l("Description (English)"))
    description_de = TextAreaField(_l("Description (German)"))
    website = URLField(_l("Website"))
    contact_name = StringField(_l("Contact name"))
    contact_email = EmailField(_l("Contact email"))
    # The choices are the vocabulary's; an unknown tag is partners.services' to refuse.
    capabilities = GroupedCheckboxesField(_l("Capabilities"), choices=[], validate_choice=False)
    is_published = BooleanField(_l("Published in the public directory"), default=True)

    def descriptions(self) -> dict[str, str]:
        return {"en": self.description_en.data or "", "de": self.description_de.data or ""}


def group_value(value: object) -> str:
    """A group as the form holds it: the tag's (an enum member) or the one sent (its value)."""
    return value.value if isinstance(value, CapabilityGroup) else str(value)


class CapabilityForm(FlaskForm):
    label_en = StringField(_l("Label (English)"))
    label_de = StringField(_l("Label (German)"))
    group = SelectField(_l("Group"), coerce=group_value, default=CapabilityGroup.other.value)
    slug = StringField(
        _l("Slug"),
        description=_l("Letters, digits and hyphens; made from the label when left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group.choices = [
            SelectChoice(group.value, group_label(group)) for group in CapabilityGroup
        ]

    def labels(self) -> dict[str, str]:
        return {"en": self.label_en.data or "", "de": self.label_de.data or ""}


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
