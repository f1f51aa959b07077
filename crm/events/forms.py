"""Forms: public registration (in the visitor's language), manage answers, staff event editing."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
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
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.events.models import Event, RegistrationStatus
from crm.events.texts import LANGUAGES
from crm.i18n import time_zone_names
from crm.leads.models import Stage
from crm.partners.models import Capability, Partner

# Babel territories that are regions or placeholders rather than countries.
NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
ANY = SelectChoice("", "any")


def country_choices(language: str) -> list[SelectChoice]:
    territories = Locale.parse(language).territories
    countries = [
        SelectChoice(code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return sorted(countries, key=lambda choice: choice.label)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def question_field(question: dict[str, Any], language: str, t: Callable[..., str]) -> Field:
    label = question.get(language) or question.get("en") or question["key"]
    validators = [InputRequired(t("required"))] if question.get("required") else [Optional()]
    choices = question.get("choices") or []
    if not choices:
        return StringField(label, validators=[*validators, Length(max=500)])
    options = [SelectChoice("", t("choose"))] + [
        SelectChoice(choice["value"], choice.get(language) or choice.get("en") or choice["value"])
        for choice in choices
    ]
    return SelectField(label, choices=options, validate_choice=False, validators=validators)


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


def answers_form_class(event: Event, language: str, t: Callable[..., str]) -> type[FlaskForm]:
    form_class = type("EventAnswersForm", (AnswersForm,), {})
    for question in event.questions:
        setattr(form_class, question_field_name(question), question_field(question, language, t))
    return form_class


def registration_form_class(
    event: Event,
    language: str,
    t: Callable[..., str],
    capabilities: list[Capability],
    partners: list[Partner],
) -> type[FlaskForm]:
    """The registration form for one event, labelled and worded in ``language``."""
    fields: dict[str, Field] = {
        "name": StringField(t("name"), [InputRequired(t("required")), Length(max=200)]),
        "email": EmailField(
            t("email"), [InputRequired(t("required")), Email(t("invalid_email")), Length(max=254)]
        ),
        "company": StringField(t("company"), [InputRequired(t("required")), Length(max=200)]),
        "position": StringField(t("position"), [Optional(), Length(max=200)]),
        "country": SelectField(
            t("country"),
            choices=[SelectChoice("", t("choose")), *country_choices(language)],
            validators=[InputRequired(t("required"))],
        ),
        "language": SelectField(
            t("language"),
            choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            default=language,
        ),
        "needs": CheckboxesField(
            t("needs"),
            choices=[SelectChoice(tag.slug, tag.label) for tag in capabilities],
            validate_choice=True,
        ),
        "partners": CheckboxesField(
            t("partners"),
            choices=[SelectChoice(partner.slug, partner.name) for partner in partners],
            validate_choice=True,
        ),
        "consent": BooleanField(t("consent"), [DataRequired(t("consent_missing"))]),
    }
    form_class = type("EventRegistrationForm", (RegistrationForm,), fields)
    for question in event.questions:
        setattr(form_class, question_field_name(question), question_field(question, language, t))
    return form_class


def parse_questions(raw: str) -> list[dict[str, Any]]:
    """Questions as staff write them: a JSON list of ``{key, en, de, required, choices}``."""
    if not raw.strip():
        return []
    try:
        questions = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}).") from error
    if not isinstance(questions, list):
        raise ValidationError("Write a list of questions: [ {...}, {...} ].")
    keys: set[str] = set()
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict) or not isinstance(question.get("key"), str):
            raise ValidationError(f'Question {number} needs a text "key".')
        if not question["key"].isidentifier() or question["key"] in keys:
            raise ValidationError(f"Question {number}: the key must be unique letters/digits/_.")
        keys.add(question["key"])
        if not isinstance(question.get("en"), str) or not question["en"].strip():
            raise ValidationError(f'Question {number} needs an English text "en".')
        choices = question.get("choices", [])
        if not isinstance(choices, list) or not all(
            isinstance(choice, dict) and isinstance(choice.get("value"), str) for choice in choices
        ):
            raise ValidationError(f'Question {number}: choices are objects with a "value".')
    return questions


class EventForm(FlaskForm):
    title = StringField("Title", [InputRequired(), Length(max=200)])
    slug = StringField(
        "Web address (slug)", [InputRequired(), Length(max=120)], description="e.g. forum-2027"
    )
    description = TextAreaField("Description", [Optional(), Length(max=20_000)])
    is_all_day = BooleanField("All-day event (dates only)")
    starts_on = DateField("First day", [Optional()])
    ends_on = DateField("Last day", [Optional()])
    starts_local = DateTimeLocalField("Starts (local time)", [Optional()])
    ends_local = DateTimeLocalField("Ends (local time)", [Optional()])
    timezone = SelectField("Time zone", default="Europe/Berlin")
    venue = StringField("Venue", [Optional(), Length(max=200)])
    address = StringField("Address", [Optional(), Length(max=300)])
    city = StringField("City", [InputRequired(), Length(max=120)])
    country = SelectField("Country", [InputRequired()], default="DE")
    capacity = IntegerField("Capacity (empty: unlimited)", [Optional(), NumberRange(min=0)])
    opens_local = DateTimeLocalField("Registration opens (local time)", [Optional()])
    closes_local = DateTimeLocalField("Registration closes (local time)", [Optional()])
    organiser_name = StringField("Organiser name", [InputRequired(), Length(max=200)])
    organiser_email = EmailField("Organiser email", [InputRequired(), Email(), Length(max=254)])
    reminder_offsets = StringField(
        "Reminders (days before, comma-separated)", [Optional()], default="7, 1"
    )
    questions_json = TextAreaField(
        "Questions (JSON)",
        [Optional()],
        description='[{"key": "dietary", "en": "Dietary needs", "de": "Ernährung", '
        '"choices": [{"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"}]}]',
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone) for zone in time_zone_names()]
        self.country.choices = country_choices("en")

    def validate_slug(self, field: StringField) -> None:
        slug = field.data or ""
        if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
            raise ValidationError("Use lower-case letters, digits and hyphens only.")
        field.data = slug.lower()

    def validate_reminder_offsets(self, field: StringField) -> None:
        parts = [part.strip() for part in (field.data or "").split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) <= 365 for part in parts):
            raise ValidationError("Whole numbers of days between 1 and 365, e.g. 7, 1.")

    def validate_questions_json(self, field: TextAreaField) -> None:
        parse_questions(field.data or "")

    def local(self, value: datetime | None) -> datetime | None:
        """A local time from the form as an aware instant in the event's zone."""
        return value.replace(tzinfo=ZoneInfo(self.timezone.data)) if value else None

    def reminder_days(self) -> list[int]:
        parts = [part.strip() for part in (self.reminder_offsets.data or "").split(",")]
        return sorted({int(part) for part in parts if part}, reverse=True)


class CapacityForm(FlaskForm):
    capacity = IntegerField("Capacity (empty: unlimited)", [Optional(), NumberRange(min=0)])


class AttendeeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[ANY, *[SelectChoice(status.value) for status in RegistrationStatus]],
        validators=[Optional()],
    )
    country = SelectField("Country", validators=[Optional()])
    stage = SelectField(
        "Company stage",
        choices=[ANY, *[SelectChoice(stage.value) for stage in Stage]],
        validators=[Optional()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [ANY, *country_choices("en")]
