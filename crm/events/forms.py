"""Forms: public registration (in the visitor's language), manage answers, staff event editing."""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.consents.models import OPTIONAL_PURPOSES, ConsentPurpose
from crm.consents.texts import current_text
from crm.events.models import DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR, Event, RegistrationStatus
from crm.forms import SHOWN_REQUIRED, GroupedCheckboxesField
from crm.leads.models import Stage
from crm.partners.models import Partner
from crm.vocabulary.groups import grouped_choices
from crm.vocabulary.models import Capability
from crm.vocabulary.places import LANGUAGE_NAMES, LANGUAGES, country_names, time_zone_names

ANY = SelectChoice("", _l("any"))


def country_choices(language: str) -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in country_names(language)]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def question_field(question: dict[str, Any], language: str) -> Field:
    """A field for one of the event's questions; events.services judges the answer."""
    label = question.get(language) or question.get("en") or question["key"]
    marks = [SHOWN_REQUIRED] if question.get("required") else []
    choices = question.get("choices") or []
    if not choices:
        return StringField(label, marks)
    options = [SelectChoice("", _l("Please choose"))] + [
        SelectChoice(choice["value"], choice.get(language) or choice.get("en") or choice["value"])
        for choice in choices
    ]
    return SelectField(label, marks, choices=options, validate_choice=False)


def question_field_name(question: dict[str, Any]) -> str:
    return f"question_{question['key']}"


def answers_from(form: FlaskForm, event: Event) -> dict[str, str]:
    return {
        question["key"]: form[question_field_name(question)].data or ""
        for question in event.questions
    }


class AnswersForm(FlaskForm):
    pass


class RegistrationForm(FlaskForm):
    pass


class ConsentChoiceForm(FlaskForm):
    """A registrant gives or withdraws one optional consent; events.consents judges it."""

    purpose = SelectField(
        choices=[SelectChoice(purpose.value, purpose.lazy_label) for purpose in OPTIONAL_PURPOSES]
    )
    action = SelectField(choices=[SelectChoice(value, value) for value in ("give", "withdraw")])


def answers_form_class(event: Event, language: str) -> type[FlaskForm]:
    form_class = type("EventAnswersForm", (AnswersForm,), {})
    for question in event.questions:
        setattr(form_class, question_field_name(question), question_field(question, language))
    return form_class


def registration_form_class(
    event: Event,
    language: str,
    capabilities: list[Capability],
    partners: list[Partner],
) -> type[FlaskForm]:
    """The registration form for one event, labelled and worded in ``language``; it reads the
    answers, events.services judges them."""
    fields: dict[str, Field] = {
        "name": StringField(_l("Name"), [SHOWN_REQUIRED]),
        "email": EmailField(_l("Email"), [SHOWN_REQUIRED]),
        "company": StringField(_l("Company"), [SHOWN_REQUIRED]),
        "position": StringField(_l("Position")),
        "country": SelectField(
            _l("Country"),
            [SHOWN_REQUIRED],
            choices=[SelectChoice("", _l("Please choose")), *country_choices(language)],
        ),
        "language": SelectField(
            _l("Language for mail"),
            choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            default=language,
        ),
        "needs": GroupedCheckboxesField(
            _l("What your company needs"),
            choices=grouped_choices(capabilities, language),
            validate_choice=False,
        ),
        "partners": CheckboxesField(
            _l("Cluster partners you would like to meet"),
            choices=[SelectChoice(partner.slug, partner.name) for partner in partners],
            validate_choice=False,
        ),
        # The texts of crm.consents.texts, word for word: what is stored as agreed to.
        "consent": BooleanField(
            current_text(ConsentPurpose.registration).in_language(language), [SHOWN_REQUIRED]
        ),
        "follow_up_consent": BooleanField(
            current_text(ConsentPurpose.follow_up).in_language(language)
        ),
        "partner_sharing_consent": BooleanField(
            current_text(ConsentPurpose.partner_sharing).in_language(language)
        ),
    }
    form_class = type("EventRegistrationForm", (RegistrationForm,), fields)
    for question in event.questions:
        setattr(form_class, question_field_name(question), question_field(question, language))
    return form_class


def parse_questions(raw: str) -> Any:
    """The questions as staff write them, JSON; events.planning judges what they say."""
    if not raw.strip():
        return []
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}).") from error


def parse_days(raw: str) -> list[int]:
    """``"7, 1"`` → ``[7, 1]``."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValidationError(_l("Whole numbers of days, e.g. 7, 1."))
    return [int(part) for part in parts]


def lower_case(value: str | None) -> str:
    return (value or "").strip().lower()


class EventForm(FlaskForm):
    """Reads an event; events.planning judges it."""

    title_en = StringField(_l("Title (English)"))
    title_de = StringField(_l("Title (German)"))
    slug = StringField(
        _l("Web address (slug)"),
        [SHOWN_REQUIRED],
        filters=[lower_case],
        description=_l("e.g. forum-2027"),
    )
    description_en = TextAreaField(_l("Description (English)"))
    description_de = TextAreaField(_l("Description (German)"))
    is_all_day = BooleanField(_l("All-day event (dates only)"))
    starts_on = DateField(_l("First day"), [Optional()])
    ends_on = DateField(_l("Last day"), [Optional()])
    starts_local = DateTimeLocalField(_l("Starts (local time)"), [Optional()])
    ends_local = DateTimeLocalField(_l("Ends (local time)"), [Optional()])
    timezone = SelectField(_l("Time zone"), default="Europe/Berlin")
    venue_en = StringField(_l("Venue (English)"))
    venue_de = StringField(_l("Venue (German)"))
    address = StringField(_l("Address"))
    city = StringField(_l("City"), [SHOWN_REQUIRED])
    country = SelectField(_l("Country"), [SHOWN_REQUIRED], default="DE")
    capacity = IntegerField(_l("Capacity (empty: unlimited)"), [Optional()])
    public_registrations_per_hour = IntegerField(
        _l("Public registrations per hour"),
        [Optional()],
        default=DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR,
        description=_l(
            "New registrations through the public form and the API in any hour; beyond it they "
            "are refused for a while (each one sends mail). Staff can always add people."
        ),
    )
    retention_months = IntegerField(
        _l("Months to keep registrants' data after the event"),
        [Optional()],
        description=_l(
            "Then names, emails and answers are anonymised, except what a registrant's consent "
            "to follow-up or to partner sharing keeps. Empty: the default of %(months)s months.",
            months=LazyString(lambda: str(current_app.config["CRM_RETENTION_MONTHS"])),
        ),
    )
    opens_local = DateTimeLocalField(_l("Registration opens (local time)"), [Optional()])
    closes_local = DateTimeLocalField(_l("Registration closes (local time)"), [Optional()])
    organiser_name = StringField(_l("Organiser name"), [SHOWN_REQUIRED])
    organiser_email = EmailField(_l("Organiser email"), [SHOWN_REQUIRED])
    reminder_offsets = StringField(
        _l("Reminders (days before, comma-separated)"), [Optional()], default="7, 1"
    )
    questions_json = TextAreaField(
        _l("Questions (JSON)"),
        [Optional()],
        description='[{"key": "dietary", "en": "Dietary needs", "de": "Ernährung", '
        '"choices": [{"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"}]}]',
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone) for zone in time_zone_names()]
        self.country.choices = country_choices("en")

    def validate_reminder_offsets(self, field: StringField) -> None:
        parse_days(field.data or "")

    def validate_questions_json(self, field: TextAreaField) -> None:
        parse_questions(field.data or "")

    def local(self, value: datetime | None) -> datetime | None:
        """A local time from the form as an aware instant in the event's zone."""
        return value.replace(tzinfo=ZoneInfo(self.timezone.data)) if value else None

    def reminder_days(self) -> list[int]:
        return parse_days(self.reminder_offsets.data or "")


class CapacityForm(FlaskForm):
    capacity = IntegerField(_l("Capacity (empty: unlimited)"), [Optional()])


class AttendeeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[
            ANY,
            *[SelectChoice(status.value, status.lazy_label) for status in RegistrationStatus],
        ],
        validators=[Optional()],
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    stage = SelectField(
        _l("Company stage"),
        choices=[ANY, *[SelectChoice(stage.value, stage.lazy_label) for stage in Stage]],
        validators=[Optional()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [ANY, *country_choices("en")]
