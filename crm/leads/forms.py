from typing import Any

from flask_babel import lazy_gettext as _l
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
)
from wtforms.validators import InputRequired, Optional

from crm.forms import SHOWN_REQUIRED, GroupedCheckboxesField
from crm.leads.models import ActivityKind, InvestmentType, LeadSource, Stage
from crm.leads.roadmap import RoadmapStep, StepStatus
from crm.leads.services import STAFF_ACTIVITY_KINDS
from crm.vocabulary.places import LANGUAGE_NAMES, LANGUAGES

LANGUAGE_CHOICES = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def blank_choice(label: str = "—") -> list[SelectChoice]:
    return [SelectChoice("", label)]


def enum_choices(members: Any) -> list[SelectChoice]:
    return [SelectChoice(member.name, member.lazy_label) for member in members]


def parse_owner(field: SelectField) -> None:
    """An owner is an account id, or empty for nobody."""
    if field.data and not str(field.data).isdigit():
        raise ValidationError(_l("Choose an owner from the list."))


class CompanyForm(FlaskForm):
    """Reads the company fields; leads.services judges them."""

    name = StringField(_l("Name"), [SHOWN_REQUIRED])
    website = URLField(_l("Website"))
    domain = StringField(_l("Domain"))
    country = StringField(_l("Country (ISO code)"))
    city = StringField(_l("City"))
    sector = StringField(_l("Sector"))
    description = TextAreaField(_l("Description"))
    source = SelectField(_l("Source"), choices=enum_choices(LeadSource), default="direct")
    # Who may own a lead is leads.services' rule, so the choice is not checked here.
    owner_id = SelectField(_l("Owner"), choices=[], default="", validate_choice=False)
    needs = GroupedCheckboxesField(_l("Needs"), choices=[])
    investment_type = SelectField(
        _l("Investment type"), choices=blank_choice() + enum_choices(InvestmentType), default=""
    )
    new_jobs = IntegerField(_l("New jobs"), [Optional()])
    safeguarded_jobs = IntegerField(_l("Safeguarded jobs"), [Optional()])
    capex_eur = IntegerField(_l("Capital expenditure (EUR)"), [Optional()])
    likelihood_percent = IntegerField(_l("Likelihood to land (%)"), [Optional()])
    estimated_landing_on = DateField(_l("Estimated landing date"), [Optional()])
    actual_landing_on = DateField(_l("Actual landing date"), [Optional()])
    competing_locations = TextAreaField(_l("Competing locations"))
    expansion_plans = TextAreaField(_l("Expansion plans"))
    site_area_m2 = IntegerField(_l("Site area (m²)"), [Optional()])
    needs_office = BooleanField(_l("Office"))
    needs_lab = BooleanField(_l("Laboratory"))
    needs_production = BooleanField(_l("Production"))
    needs_cleanroom = BooleanField(_l("Cleanroom"))
    needs_gmp = BooleanField(_l("GMP"))
    needs_controlled_area = BooleanField(_l("Controlled radiation area"))
    needs_radiation_licence = BooleanField(_l("Radiation handling licence"))
    needs_hot_cells = BooleanField(_l("Hot cells"))
    version = HiddenField()
    create_anyway = BooleanField(_l("This is a different company: create it anyway"))

    def details(self) -> dict[str, Any]:
        """The form's values as the company fields they stand for."""
        skipped = {"needs", "version", "create_anyway", "csrf_token"}
        values = {name: field.data for name, field in self._fields.items() if name not in skipped}
        for name in ("name", "website", "domain", "country", "city", "sector"):
            values[name] = (values[name] or "").strip() or None
        values["name"] = values["name"] or ""
        values["description"] = values["description"] or ""
        values["competing_locations"] = values["competing_locations"] or ""
        values["expansion_plans"] = values["expansion_plans"] or ""
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
    stage = SelectField(_l("Move to"), choices=enum_choices(Stage))
    reason = TextAreaField(_l("Reason"))
    lost_to_location = StringField(_l("Lost to (location)"))
    # The board a move was asked from, to go back to after it.
    back = HiddenField()


class ConfidentialityForm(FlaskForm):
    is_confidential = BooleanField(_l("Confidential: others see only the codename"))
    codename = StringField(_l("Codename"))
    team_ids = SelectMultipleField(_l("Team (they see the lead as it is)"), coerce=int)


class LandingForm(FlaskForm):
    evidence = TextAreaField(_l("Evidence"), [SHOWN_REQUIRED])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), [SHOWN_REQUIRED])
    email = StringField(_l("Email"))
    phone = StringField(_l("Phone"))
    position = StringField(_l("Position"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    has_consent = BooleanField(_l("Agreed to the processing of their data"))
    consent_version = StringField(_l("Consent text version"))

    def details(self) -> dict[str, Any]:
        return {
            name: self[name].data for name in ("name", "email", "phone", "position", "language")
        }


class ActivityForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=enum_choices(STAFF_ACTIVITY_KINDS))
    subject = StringField(_l("Subject"), [SHOWN_REQUIRED])
    body = TextAreaField(_l("Details"))
    occurred_at = DateTimeLocalField(_l("When"), [Optional()])

    def activity_kind(self) -> ActivityKind:
        return ActivityKind[self.kind.data]


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), [SHOWN_REQUIRED])
    due_on = DateField(_l("Due on"), [Optional(), SHOWN_REQUIRED])
    owner_id = SelectField(_l("Owner"), choices=[], default="", validate_choice=False)

    def validate_owner_id(self, field: SelectField) -> None:
        parse_owner(field)

    def owner(self) -> int | None:
        return int(self.owner_id.data) if self.owner_id.data else None


class MergeForm(FlaskForm):
    duplicate_id = IntegerField(
        _l("Id of the duplicate to merge into this company"), [InputRequired(), SHOWN_REQUIRED]
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )
    import_valid_rows = BooleanField(_l("Import the valid rows even if some rows have errors"))
    dry_run = BooleanField(_l("Only check the file, import nothing"))


class PrefixedForm(FlaskForm):
    """A form shown many times on one page, each with its own prefix. Its posts are guarded by
    the application-wide CSRF check (``crm.extensions.csrf``), which reads the page's plain
    ``csrf_token`` field, rather than by a token carrying the prefix."""

    class Meta:
        csrf = False


class RoadmapStepForm(PrefixedForm):
    """One step of a lead's roadmap; each step's form has its own prefix on the lead page."""

    status = SelectField(_l("Status"), choices=enum_choices(StepStatus))
    owner_id = SelectField(_l("Owner"), choices=[], default="", validate_choice=False)
    planned_on = DateField(_l("Planned on"), [Optional()])
    done_on = DateField(_l("Done on"), [Optional()])

    def validate_owner_id(self, field: SelectField) -> None:
        parse_owner(field)

    def owner(self) -> int | None:
        return int(self.owner_id.data) if self.owner_id.data else None

    def chosen_status(self) -> StepStatus:
        return StepStatus[self.status.data]


def step_prefix(step: RoadmapStep) -> str:
    return f"step-{step.id}"


def roadmap_step_form(
    step: RoadmapStep, owners: list[SelectChoice], failed: RoadmapStepForm | None = None
) -> RoadmapStepForm:
    """The step's form as stored, or as it was sent when it was refused."""
    if failed is not None and failed._prefix == step_prefix(step) + "-":
        return failed
    form = RoadmapStepForm(
        formdata=None,
        prefix=step_prefix(step),
        data={
            "status": step.status.name,
            "owner_id": str(step.owner_id or ""),
            "planned_on": step.planned_on,
            "done_on": step.done_on,
        },
    )
    form.owner_id.choices = owners
    return form


class TemplateStepForm(PrefixedForm):
    title = StringField(_l("Step"), [SHOWN_REQUIRED])
    authority = StringField(_l("Authority"))
    position = IntegerField(_l("Position"), [Optional()])
