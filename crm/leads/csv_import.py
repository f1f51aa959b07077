"""Companies from a CSV file: headers mapped, cells read, every row judged by the same rules as
the staff form and the API (leads.services), nothing half-imported."""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from crm.audit.actor import IMPORT, acting_as
from crm.auth.models import User
from crm.extensions import db
from crm.i18n import number
from crm.leads.confidential import COMMAND_LINE, Reader, shown_name
from crm.leads.matching import domain_of_url
from crm.leads.models import InvestmentType, LeadSource, Stage
from crm.leads.names import normalise_company_name
from crm.leads.services import (
    NewCompany,
    company_refusals,
    contact_refusals,
    create_companies,
    possible_duplicates_of_each,
)
from crm.refusals import Refused
from crm.vocabulary.models import Capability

# Header spellings (lower-case, English and German) and the field each stands for.
HEADER_ALIASES: dict[str, str] = {
    "name": "name",
    "company": "name",
    "company name": "name",
    "firma": "name",
    "unternehmen": "name",
    "domain": "domain",
    "website": "website",
    "web": "website",
    "url": "website",
    "webseite": "website",
    "country": "country",
    "land": "country",
    "city": "city",
    "stadt": "city",
    "ort": "city",
    "sector": "sector",
    "branche": "sector",
    "industry": "sector",
    "description": "description",
    "beschreibung": "description",
    "stage": "stage",
    "phase": "stage",
    "source": "source",
    "quelle": "source",
    "owner": "owner_email",
    "owner_email": "owner_email",
    "needs": "needs",
    "bedarf": "needs",
    "investment_type": "investment_type",
    "new_jobs": "new_jobs",
    "safeguarded_jobs": "safeguarded_jobs",
    "capex_eur": "capex_eur",
    "capex": "capex_eur",
    "likelihood_percent": "likelihood_percent",
    "estimated_landing_on": "estimated_landing_on",
    "contact": "contact_name",
    "contact_name": "contact_name",
    "ansprechpartner": "contact_name",
    "email": "contact_email",
    "e-mail": "contact_email",
    "contact_email": "contact_email",
    "phone": "contact_phone",
    "telefon": "contact_phone",
    "contact_phone": "contact_phone",
    "language": "contact_language",
    "sprache": "contact_language",
    "contact_language": "contact_language",
}
NUMBER_FIELDS = ("new_jobs", "safeguarded_jobs", "capex_eur", "likelihood_percent")
# The column a refusal of a service field is reported under.
COLUMN_OF = {"owner_id": "owner_email"}
# The order a row's errors are reported in: the order of the columns a file can have.
COLUMN_ORDER = list(dict.fromkeys(HEADER_ALIASES.values()))


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, no header, no name column)."""


@dataclass(frozen=True)
class ParsedFile:
    rows: list[tuple[int, dict[str, str]]]
    ignored_headers: list[str]


@dataclass
class CheckedRow:
    row_number: int
    errors: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    needs: list[Capability] = field(default_factory=list)
    stage: Stage = Stage.enquiry
    contact: dict[str, Any] | None = None


@dataclass(frozen=True)
class RowError:
    row_number: int
    message: str


@dataclass
class ImportReport:
    total_rows: int
    imported: int
    errors: list[RowError]
    is_dry_run: bool

    @property
    def valid_rows(self) -> int:
        return self.total_rows - len({error.row_number for error in self.errors})


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark; Windows-1252 as German Excel saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_csv(data: bytes) -> ParsedFile:
    text = decode(data)
    if "\x00" in text:
        raise ImportFileError(_("The file contains a NUL character, which no field accepts."))
    header_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return read_rows(reader)
    except csv.Error as error:  # a cell beyond csv.field_size_limit()
        raise ImportFileError(
            _(
                "Line %(line)d cannot be read: a cell is longer than %(limit)s characters.",
                line=reader.line_num,
                limit=number(csv.field_size_limit()),
            )
        ) from error


def read_rows(reader: Any) -> ParsedFile:
    try:
        headers = next(reader)
    except StopIteration as error:
        raise ImportFileError(_("The file is empty.")) from error
    fields = [HEADER_ALIASES.get(header.strip().lower()) for header in headers]
    if "name" not in fields:
        raise ImportFileError(_("The file has no company name column (name, company or Firma)."))
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell.strip() for name, cell in zip(fields, cells, strict=False) if name}
        rows.append((reader.line_num, values))
    ignored = [header for header, name in zip(headers, fields, strict=True) if not name]
    return ParsedFile(rows, ignored)


def row_domain(values: dict[str, str]) -> str:
    """A row's domain: the domain column, else the website's, in lower case ("" for none)."""
    website = values.get("website")
    return (values.get("domain") or (domain_of_url(website) if website else "") or "").lower()


class RowChecker:
    """Checks rows against the database and against the rows before them in the file; the
    companies each row may duplicate are looked up for all rows at once."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]], reader: Reader) -> None:
        self.reader = reader  # who is told which company a row matches
        self.capabilities = {c.slug: c for c in db.session.scalars(select(Capability))}
        self.users = {u.email: u for u in db.session.scalars(select(User))}
        self.seen_names: set[str] = set()
        self.seen_domains: set[str] = set()
        keys = [
            {"name": values.get("name", ""), "domain": row_domain(values) or None}
            for _, values in rows
        ]
        self.existing = dict(
            zip(
                (row_number for row_number, _ in rows),
                possible_duplicates_of_each(keys),
                strict=True,
            )
        )

    def check(self, row_number: int, values: dict[str, str]) -> CheckedRow:
        row = CheckedRow(row_number)
        details = row.details

        def enum_value(name: str, enum_type: Any, default: Any) -> Any:
            raw = values.get(name, "").lower().replace(" ", "_")
            if not raw:
                return default
            if raw not in enum_type.__members__:
                row.errors.append(
                    _("%(column)s: unknown value %(value)r.", column=name, value=values[name])
                )
                return default
            return enum_type[raw]

        details["name"] = values.get("name", "")
        details["website"] = values.get("website") or None
        details["domain"] = row_domain(values) or None
        details["country"] = values.get("country", "").upper() or None
        for text_field in ("city", "sector"):
            details[text_field] = values.get(text_field) or None
        details["description"] = values.get("description", "")
        details["source"] = enum_value("source", LeadSource, LeadSource.direct)
        details["investment_type"] = enum_value("investment_type", InvestmentType, None)
        row.stage = enum_value("stage", Stage, Stage.enquiry)
        for number_field in NUMBER_FIELDS:
            details[number_field] = self.number(values.get(number_field, ""), number_field, row)
        details["estimated_landing_on"] = self.date(
            values.get("estimated_landing_on", ""), "estimated_landing_on", row
        )
        owner_email = values.get("owner_email", "").lower()
        if owner_email and owner_email not in self.users:
            row.errors.append(_("owner_email: no account %(email)r.", email=owner_email))
        details["owner_id"] = self.users[owner_email].id if owner_email in self.users else None
        row.errors.extend(reported(refusal) for refusal in company_refusals(details))
        for slug in filter(None, re.split(r"\s*[|,;]\s*", values.get("needs", ""))):
            if slug.lower() in self.capabilities:
                row.needs.append(self.capabilities[slug.lower()])
            else:
                row.errors.append(_("needs: unknown capability %(slug)r.", slug=slug))
        row.contact = self.contact(values, row)
        if details["name"]:
            self.check_duplicate(details, row)
        row.errors.sort(key=column_position)
        return row

    def number(self, raw: str, name: str, row: CheckedRow) -> int | None:
        if not raw:
            return None
        cleaned = (
            raw.replace(".", "").replace(" ", "") if re.match(r"^\d{1,3}(\.\d{3})+$", raw) else raw
        )
        if not re.fullmatch(r"-?\d+", cleaned):
            row.errors.append(
                _("%(column)s: %(value)r is not a whole number.", column=name, value=raw)
            )
            return None
        return int(cleaned)

    def date(self, raw: str, name: str, row: CheckedRow) -> date | None:
        if not raw:
            return None
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return datetime.strptime(raw, pattern).date()
            except ValueError:
                continue
        row.errors.append(
            _(
                "%(column)s: %(value)r is not a date (2026-04-21 or 21.04.2026).",
                column=name,
                value=raw,
            )
        )
        return None

    def contact(self, values: dict[str, str], row: CheckedRow) -> dict[str, Any] | None:
        name = values.get("contact_name", "")
        email = values.get("contact_email", "")
        if not name and not email:
            return None
        contact = {
            "name": name or email,
            "email": email or None,
            "phone": values.get("contact_phone") or None,
            "position": None,
            "language": values.get("contact_language", "en").lower() or "en",
        }
        row.errors.extend(
            reported(refusal, prefix="contact_")
            for refusal in contact_refusals(contact, has_consent=False, consent_version=None)
        )
        return contact

    def check_duplicate(self, details: dict[str, Any], row: CheckedRow) -> None:
        normalised = normalise_company_name(details["name"])
        domain = details["domain"]
        existing = self.existing[row.row_number]
        if existing:
            row.errors.append(
                _(
                    "name: matches the existing company %(name)r (id %(id)d).",
                    name=shown_name(existing[0], self.reader),
                    id=existing[0].id,
                )
            )
        elif normalised in self.seen_names or (domain and domain in self.seen_domains):
            row.errors.append(_("name: the same company appears in an earlier row."))
        self.seen_names.add(normalised)
        if domain:
            self.seen_domains.add(domain)


def column_position(error: str) -> int:
    column = error.split(":", 1)[0]
    return COLUMN_ORDER.index(column) if column in COLUMN_ORDER else len(COLUMN_ORDER)


def reported(refusal: Refused, prefix: str = "") -> str:
    """A refusal as the row report says it: the column, then the message."""
    field = refusal.field or "row"
    column = f"{prefix}{field}" if prefix else COLUMN_OF.get(field, field)
    return f"{column}: {refusal.message}"


def check_rows(parsed: ParsedFile, reader: Reader) -> Iterator[CheckedRow]:
    checker = RowChecker(parsed.rows, reader)
    for row_number, values in parsed.rows:
        yield checker.check(row_number, values)


def import_checked_rows(
    rows: list[CheckedRow], *, valid_only: bool, dry_run: bool, by: User | None
) -> ImportReport:
    """Create the companies of valid rows: all or nothing, unless ``valid_only`` is asked for."""
    errors = [RowError(row.row_number, message) for row in rows for message in row.errors]
    report = ImportReport(len(rows), 0, errors, dry_run)
    if dry_run or (errors and not valid_only):
        return report
    valid = [
        NewCompany(row.details, row.needs, row.stage, row.contact) for row in rows if not row.errors
    ]
    with acting_as(IMPORT):
        report.imported = len(create_companies(valid, by=by))
    return report


def import_companies(
    data: bytes,
    *,
    valid_only: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    progress: Callable[[Iterator[CheckedRow], int], Iterator[CheckedRow]] | None = None,
) -> ImportReport:
    parsed = parse_csv(data)
    checked = check_rows(parsed, by or COMMAND_LINE)
    rows = list(progress(checked, len(parsed.rows)) if progress else checked)
    return import_checked_rows(rows, valid_only=valid_only, dry_run=dry_run, by=by)
