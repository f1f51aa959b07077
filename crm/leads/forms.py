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
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import InputRequired, Optional

from crm.forms import SHOWN_REQUIRED, GroupedCheckboxesField
from crm.leads.models import ActivityKind, InvestmentType, LeadSource, Stage
from crm.leads.services import STAFF_ACTIVITY_KINDS
from crm.vocabulary.places import LANGUAGE_NAMES, LANGUAGES

LANGUAGE_CHOICES = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def blank_choice(label: str = "—") -> list[SelectChoice]:
    return [SelectChoice("", label)]


def enum_choices(members: Any) -> list[SelectChoice]:
    return [SelectChoice(member.name, member.name.replace("_", " ")) for member in members]


def parse_owner(field: SelectField) -> None:
    """An owner is an account id, or empty for nobody."""
    if field.data and not str(field.data).isdigit():
        raise ValidationError("Choose an owner from the list.")


class CompanyForm(FlaskForm):
    """Reads the company fields; leads.services judges them."""

    name = StringField("Name", [SHOWN_REQUIRED])
    website = URLField("Website")
    domain = StringField("Domain")
    country = StringField("Country (ISO code)")
    city = StringField("City")
    sector = StringField("Sector")
    description = TextAreaField("Description")
    source = SelectField("Source", choices=enum_choices(LeadSource), default="direct")
    # Who may own a lead is leads.services' rule, so the choice is not checked here.
    owner_id = SelectField("Owner", choices=[], default="", validate_choice=False)
    needs = GroupedCheckboxesField("Needs", choices=[])
    investment_type = SelectField(
        "Investment type", choices=blank_choice() + enum_choices(InvestmentType), default=""
    )
    new_jobs = IntegerField("New jobs", [Optional()])
    safeguarded_jobs = IntegerField("Safeguarded jobs", [Optional()])
    capex_eur = IntegerField("Capital expenditure (EUR)", [Optional()])
    likelihood_percent = IntegerField("Likelihood to land (%)", [Optional()])
    estimated_landing_on = DateField("Estimated landing date", [Optional()])
    actual_landing_on = DateField("Actual landing date", [Optional()])
    competing_locations = TextAreaField("Competing locations")
    site_area_m2 = IntegerField("Site area (m²)", [Optional()])
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
        for name in ("name", "website", "domain", "country", "city", "sector"):
            values[name] = (values[name] or "").strip() or None
        values["name"] = values["name"] or ""
        values["description"] = values["description"] or ""
        values["competing_locations"] = values["competing_locations"] or ""
        values["source"] = LeadSource[values["source"]]
        values["investment_type"] = (
            InvestmentType[values["investment_type"]] if values["investment_type"] else None
        )
        values["owner_id"] = int(values["owner_id"]) if values["owner_id"] else None
        return values

    def validate_owner_id(self, field: SelectField) -> None:
        parse_owner(field)

    def expected_version(self) -> int:
        version = self.version.data or ""
        return int(version) if version.isdigit() else -1


class StageForm(FlaskForm):
    stage = SelectField("Move to", choices=enum_choices(Stage))
    reason = TextAreaField("Reason")
    lost_to_location = StringField("Lost to (location)")


class LandingForm(FlaskForm):
    evidence = TextAreaField("Evidence", [SHOWN_REQUIRED])


class ContactForm(FlaskForm):
    name = StringField("Name", [SHOWN_REQUIRED])
    email = StringField("Email")
    phone = StringField("Phone")
    position = StringField("Position")
    language = SelectField("Language", choices=LANGUAGE_CHOICES)
    has_consent = BooleanField("Agreed to the processing of their data")
    consent_version = StringField("Consent text version")

    def details(self) -> dict[str, Any]:
        return {
            name: self[name].data for name in ("name", "email", "phone", "position", "language")
        }


class ActivityForm(FlaskForm):
    kind = SelectField("Kind", choices=enum_choices(STAFF_ACTIVITY_KINDS))
    subject = StringField("Subject", [SHOWN_REQUIRED])
    body = TextAreaField("Details")
    occurred_at = DateTimeLocalField("When", [Optional()])

    def activity_kind(self) -> ActivityKind:
        return ActivityKind[self.kind.data]


class TaskForm(FlaskForm):
    title = StringField("Task", [SHOWN_REQUIRED])
    due_on = DateField("Due on", [Optional(), SHOWN_REQUIRED])
    owner_id = SelectField("Owner", choices=[], default="", validate_choice=False)

    def validate_owner_id(self, field: SelectField) -> None:
        parse_owner(field)

    def owner(self) -> int | None:
        return int(self.owner_id.data) if self.owner_id.data else None


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(
        "Id of the duplicate to merge into this company", [InputRequired(), SHOWN_REQUIRED]
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired(), FileAllowed(["csv", "txt"], "Upload a .csv file.")],
    )
    import_valid_rows = BooleanField("Import the valid rows even if some rows have errors")
    dry_run = BooleanField("Only check the file, import nothing")
