from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
    widgets,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from crm.db import OUT_OF_RANGE, is_storable
from crm.leads.models import ActivityKind, InvestmentType, LeadSource, Stage
from crm.leads.services import MAX_CAPEX_EUR, MAX_COUNT, MAX_ID, STAFF_ACTIVITY_KINDS

COUNTRY_CODE = Regexp(r"^[A-Za-z]{2}$", message="Use the two-letter country code, e.g. DE or US.")
DOMAIN = Regexp(
    r"^(?=.{1,253}$)([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$", message="Give a domain like example.com."
)
NOT_NEGATIVE = NumberRange(min=0, max=MAX_COUNT, message=f"Must be between 0 and {MAX_COUNT:,}.")
LANGUAGES = [SelectChoice("en", "English"), SelectChoice("de", "German")]


def blank_choice(label: str = "—") -> list[SelectChoice]:
    return [SelectChoice("", label)]


def enum_choices(members: Any) -> list[SelectChoice]:
    return [SelectChoice(member.name, member.name.replace("_", " ")) for member in members]


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CompanyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    website = URLField(
        "Website",
        validators=[Optional(), URL(message="Give a full address like https://example.com.")],
    )
    domain = StringField("Domain", validators=[Optional(), Length(max=253), DOMAIN])
    country = StringField("Country (ISO code)", validators=[Optional(), COUNTRY_CODE])
    city = StringField("City", validators=[Optional(), Length(max=120)])
    sector = StringField("Sector", validators=[Optional(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=10_000)])
    source = SelectField("Source", choices=enum_choices(LeadSource), default="direct")
    owner_id = SelectField("Owner", choices=[], default="")
    needs = CheckboxListField("Needs", choices=[])
    investment_type = SelectField(
        "Investment type", choices=blank_choice() + enum_choices(InvestmentType), default=""
    )
    new_jobs = IntegerField("New jobs", validators=[Optional(), NOT_NEGATIVE])
    safeguarded_jobs = IntegerField("Safeguarded jobs", validators=[Optional(), NOT_NEGATIVE])
    capex_eur = IntegerField(
        "Capital expenditure (EUR)",
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_CAPEX_EUR, message="Must be zero or more, in euros."),
        ],
    )
    likelihood_percent = IntegerField(
        "Likelihood to land (%)",
        validators=[Optional(), NumberRange(min=0, max=100, message="Between 0 and 100.")],
    )
    estimated_landing_on = DateField("Estimated landing date", validators=[Optional()])
    actual_landing_on = DateField("Actual landing date", validators=[Optional()])
    competing_locations = TextAreaField("Competing locations", validators=[Length(max=2000)])
    site_area_m2 = IntegerField("Site area (m²)", validators=[Optional(), NOT_NEGATIVE])
    needs_office = BooleanField("Office")
    needs_lab = BooleanField("Laboratory")
    needs_production = BooleanField("Production")
    needs_cleanroom = BooleanField("Cleanroom")
    needs_gmp = BooleanField("GMP")
    needs_controlled_area = BooleanField("Controlled radiation area")
    needs_radiation_licence = BooleanField("Radiation handling licence")
    needs_hot_cells = BooleanField("Hot cells")
    version = HiddenField()
    create_anyway = BooleanField("This is a different company: create it anyway")

    def details(self) -> dict[str, Any]:
        """The form's values as the company fields they stand for."""
        skipped = {"needs", "version", "create_anyway", "csrf_token"}
        values = {name: field.data for name, field in self._fields.items() if name not in skipped}
        for name in ("website", "domain", "country", "city", "sector"):
            values[name] = (values[name] or "").strip() or None
        values["country"] = values["country"].upper() if values["country"] else None
        values["source"] = LeadSource[values["source"]]
        values["investment_type"] = (
            InvestmentType[values["investment_type"]] if values["investment_type"] else None
        )
        values["owner_id"] = int(values["owner_id"]) if values["owner_id"] else None
        return values


class StageForm(FlaskForm):
    stage = SelectField("Move to", choices=enum_choices(Stage))
    reason = TextAreaField("Reason", validators=[Length(max=2000)])
    lost_to_location = StringField("Lost to (location)", validators=[Length(max=200)])


class LandingForm(FlaskForm):
    evidence = TextAreaField(
        "Evidence", validators=[DataRequired(message="Say what shows the landing.")]
    )


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = StringField("Email", validators=[Optional(), Email(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=50)])
    position = StringField("Position", validators=[Optional(), Length(max=200)])
    language = SelectField("Language", choices=LANGUAGES)
    has_consent = BooleanField("Agreed to the processing of their data")
    consent_version = StringField("Consent text version", validators=[Length(max=40)])

    def validate_consent_version(self, field: StringField) -> None:
        if self.has_consent.data and not (field.data or "").strip():
            raise ValidationError("Say which consent text they agreed to.")


class ActivityForm(FlaskForm):
    kind = SelectField("Kind", choices=enum_choices(STAFF_ACTIVITY_KINDS))
    subject = StringField("Subject", validators=[DataRequired(), Length(max=300)])
    body = TextAreaField("Details", validators=[Length(max=20_000)])
    occurred_at = DateTimeLocalField("When", validators=[Optional()])

    def validate_occurred_at(self, field: DateTimeLocalField) -> None:
        # The reader's local time; far enough from year 1 and 9999 for any zone's UTC offset.
        if field.data and not is_storable(field.data):
            raise ValidationError(OUT_OF_RANGE)

    def activity_kind(self) -> ActivityKind:
        return ActivityKind[self.kind.data]


class TaskForm(FlaskForm):
    title = StringField("Task", validators=[DataRequired(), Length(max=300)])
    due_on = DateField("Due on", validators=[InputRequired(message="Give a due date.")])
    owner_id = SelectField("Owner", choices=[], default="")


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(
        "Id of the duplicate to merge into this company",
        validators=[InputRequired(), NumberRange(min=1, max=MAX_ID, message="Not a company id.")],
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired(), FileAllowed(["csv", "txt"], "Upload a .csv file.")],
    )
    import_valid_rows = BooleanField("Import the valid rows even if some rows have errors")
    dry_run = BooleanField("Only check the file, import nothing")
