"""A large CSV import stores what importing row by row through create_company and save_contact
stored, and refuses the same rows for the same reasons."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.leads import services
from crm.leads.confidential import COMMAND_LINE
from crm.leads.csv_import import check_rows, import_companies, parse_csv
from crm.leads.models import Company, Contact, StageChange, company_needs
from crm.vocabulary.models import Capability

ROWS = 2_000
STAGES = ("", "qualified", "Site Visit", "active")


def large_file(owner: User) -> tuple[bytes, dict[int, str]]:
    """A file of ``ROWS`` companies and the first word of the error each refused row gets:
    repeats of earlier rows by name or domain, and rows matching companies already stored."""
    lines = ["name;website;domain;country;city;stage;owner;needs;contact;email;language"]
    refused: dict[int, str] = {}

    def special(number: int) -> bool:
        return number % 97 == 5 or number % 89 == 7 or number % 83 == 11 or number == 13

    for number in range(ROWS):
        row_number = number + 2  # the header is line 1
        name, website, domain = f"Isotope Works {number} GmbH", "", f"works{number}.example"
        earlier = next((k for k in range(number - 1, -1, -1) if not special(k)), 0)
        if number % 97 == 5:  # the same company as an earlier row, spelled otherwise
            name, domain = f"ISOTOPE WORKS {earlier} AG", ""
            refused[row_number] = "earlier row"
        elif number % 89 == 7:  # an earlier row's domain, from its website
            website, domain = f"https://www.WORKS{earlier}.example/about", ""
            refused[row_number] = "earlier row"
        elif number % 83 == 11:  # a company stored before the import
            name = "Stored Radiopharma GmbH"
            refused[row_number] = "existing"
        elif number == 13:  # matches only an archived company: imported
            name = "Archived Isotopes AG"
        contact = f"Person {number}" if number % 3 else ""
        email = f"Person.{number}@Works{number}.example" if number % 4 else ""
        lines.append(
            ";".join(
                [
                    name,
                    website,
                    domain,
                    ("de", "AT", "se")[number % 3],
                    f"City {number % 17}",
                    STAGES[number % len(STAGES)],
                    owner.email if number % 5 == 0 else "",
                    "hot-cells|hplc" if number % 2 else "hplc",
                    contact,
                    email,
                    "de" if number % 2 else "",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode(), refused


def stored() -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import writes, without ids and timestamps."""
    ignored = {"id", "created_at", "updated_at", "stage_entered_at"}
    columns = [column for column in Company.__table__.columns if column.name not in ignored]
    names = {
        company_id: name
        for company_id, name in db.session.execute(select(Company.id, Company.name))
    }
    return {
        "companies": sorted(tuple(row) for row in db.session.execute(select(*columns))),
        "contacts": sorted(
            (names[row.company_id], row.name, row.email, row.phone, row.language, row.consent_at)
            for row in db.session.scalars(select(Contact))
        ),
        "needs": sorted(
            (names[company_id], capability_id)
            for company_id, capability_id in db.session.execute(select(company_needs))
        ),
        "stage_changes": sorted(
            (names[row.company_id], row.from_stage, row.to_stage, row.changed_by_id, row.reason)
            for row in db.session.scalars(select(StageChange))
        ),
    }


def import_row_by_row(data: bytes, by: User) -> int:
    """The import as it was: each valid row through the lead services, one flush at a time."""
    imported = 0
    for row in check_rows(parse_csv(data), COMMAND_LINE):
        if row.errors:
            continue
        company = services.create_company(row.details, needs=row.needs, stage=row.stage, by=by)
        if row.contact:
            services.save_contact(company, row.contact, has_consent=False, consent_version=None)
        imported += 1
    return imported


@pytest.fixture
def before_the_import(
    app: Flask, create_company: Callable[..., Company], capability: Callable[[str], Capability]
) -> dict[str, Any]:
    capability("hot-cells")
    capability("hplc")
    create_company(name="Stored Radiopharma", domain="stored.example")
    archived = create_company(name="Archived Isotopes GmbH")
    archived.is_archived = True
    db.session.commit()
    return {"before": stored()}


def test_a_large_import_stores_what_row_by_row_creation_stored(
    before_the_import: dict[str, Any], create_user: Callable[..., User]
) -> None:
    owner = create_user()
    data, refused = large_file(owner)

    report = import_companies(data, valid_only=True, by=owner)
    in_bulk = stored()
    db.session.rollback()
    assert stored() == before_the_import["before"]
    imported_one_by_one = import_row_by_row(data, owner)
    one_by_one = stored()
    db.session.rollback()

    assert report.imported == imported_one_by_one == ROWS - len(refused)
    assert in_bulk == one_by_one
    assert len(in_bulk["companies"]) == ROWS - len(refused) + 2
    assert len(in_bulk["contacts"]) == len([n for n in range(ROWS) if n % 3 or n % 4]) - len(
        [n for n in range(ROWS) if (n + 2) in refused and (n % 3 or n % 4)]
    )
    reasons = {
        error.row_number: "existing" if "existing company" in error.message else "earlier row"
        for error in report.errors
    }
    assert reasons == refused
    assert all(error.message.startswith("name: ") for error in report.errors)


def test_a_large_file_with_one_bad_row_stores_nothing(
    before_the_import: dict[str, Any], create_user: Callable[..., User]
) -> None:
    data, _ = large_file(create_user())
    lines = data.decode().splitlines()
    lines[1500] = lines[1500].replace(";de;", ";Germany;").replace(";AT;", ";Germany;")
    lines[1500] = lines[1500].replace(";se;", ";Germany;")
    report = import_companies(("\n".join(lines) + "\n").encode())
    db.session.commit()

    assert report.imported == 0
    assert {error.row_number for error in report.errors if error.message.startswith("country")} == {
        1501
    }
    assert stored() == before_the_import["before"]


def test_the_duplicates_of_many_are_those_of_each(before_the_import: dict[str, Any]) -> None:
    keys = [
        {"name": "stored radiopharma ag"},
        {"name": "Other", "domain": "STORED.example"},
        {"name": "Other", "website": "https://stored.example/"},
        {"name": "Archived Isotopes"},
        {"name": ""},
        {"name": "Nobody Known", "domain": "nobody.example"},
    ]
    assert services.possible_duplicates_of_each(keys) == [
        services.possible_duplicates(details) for details in keys
    ]
    assert [len(found) for found in services.possible_duplicates_of_each(keys)] == [
        1,
        1,
        1,
        0,
        0,
        0,
    ]
