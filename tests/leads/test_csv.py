"""CSV import with a per-row error report, and a streaming export that defuses formulas."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.extensions import db
from crm.leads.confidential import COMMAND_LINE
from crm.leads.csv_export import export_lines
from crm.leads.csv_import import import_companies
from crm.leads.listing import CompanyFilters
from crm.leads.models import Company, Stage
from crm.partners.models import Capability
from crm.spreadsheets import safe_cell
from tests.helpers import csrf_token

GERMAN_EXCEL = (
    "Firma;Webseite;Land;Stadt;Ansprechpartner;E-Mail;Sprache;capex_eur\r\n"
    "Müller Radiochemie GmbH;https://mueller-radio.example;DE;Görlitz;Jörg Müller;"
    "joerg@mueller-radio.example;de;1.500.000\r\n"
).encode()


def company_names() -> list[str]:
    return list(db.session.scalars(select(Company.name).order_by(Company.name)))


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "companies.csv"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_semicolon_file_from_german_excel_imports_with_or_without_bom(
    app: Flask, bom: bytes
) -> None:
    report = import_companies(bom + GERMAN_EXCEL)
    db.session.commit()
    assert (report.imported, report.errors) == (1, [])
    company = db.session.scalars(select(Company)).one()
    assert (company.name, company.city, company.domain) == (
        "Müller Radiochemie GmbH",
        "Görlitz",
        "mueller-radio.example",
    )
    assert company.capex_eur == 1_500_000
    assert [(c.name, c.email, c.language) for c in company.contacts] == [
        ("Jörg Müller", "joerg@mueller-radio.example", "de")
    ]


BAD_FILE = (
    b"name,country,needs,new_jobs,estimated_landing_on,email\n"
    b"Good One GmbH,DE,hot-cells,10,2027-01-31,a@good.example\n"
    b"Bad Country,Germany,,,,\n"
    b"\n"
    b"Bad Numbers,DE,,-5,31.02.2027,not-an-email\n"
    b",DE,,,,\n"
    b"Good Two,AT,,,21.04.2027,\n"
)


def test_the_import_report_names_each_bad_row_by_its_line_number(
    app: Flask, hot_cells: Capability
) -> None:
    report = import_companies(BAD_FILE)
    messages = [(error.row_number, error.message.split(":")[0]) for error in report.errors]
    assert messages == [
        (3, "country"),
        (5, "new_jobs"),
        (5, "estimated_landing_on"),
        (5, "contact_email"),
        (6, "name"),
    ]


def test_nothing_is_imported_when_a_row_has_errors(app: Flask, hot_cells: Capability) -> None:
    report = import_companies(BAD_FILE)
    db.session.commit()
    assert report.imported == 0
    assert company_names() == []


def test_the_valid_rows_are_imported_when_asked_for(app: Flask, hot_cells: Capability) -> None:
    report = import_companies(BAD_FILE, valid_only=True)
    db.session.commit()
    assert report.imported == 2
    assert company_names() == ["Good One GmbH", "Good Two"]


def test_a_row_matching_an_existing_company_is_reported(app: Flask, company: Company) -> None:
    report = import_companies(b"name\nRotop Pharmaka\n")
    assert [error.row_number for error in report.errors] == [2]
    assert "matches the existing company" in report.errors[0].message


def test_the_command_imports_a_file_and_shows_progress(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["leads", "import", str(write(tmp_path, GERMAN_EXCEL))]
    )
    assert result.exit_code == 0, result.output
    assert "Checking rows" in result.output
    assert "Imported 1 of 1 rows." in result.output
    assert company_names() == ["Müller Radiochemie GmbH"]


def test_a_dry_run_imports_nothing(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["leads", "import", "--dry-run", str(write(tmp_path, GERMAN_EXCEL))]
    )
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 of 1 rows are valid." in result.output
    assert company_names() == []


def test_the_command_fails_with_the_row_errors(
    app: Flask, tmp_path: Path, hot_cells: Capability
) -> None:
    result = app.test_cli_runner().invoke(args=["leads", "import", str(write(tmp_path, BAD_FILE))])
    assert result.exit_code == 1
    assert "row 3: country" in result.output
    assert "Nothing was imported" in result.output
    assert company_names() == []


def test_a_file_without_a_name_column_is_refused(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["leads", "import", str(write(tmp_path, b"city\nDresden\n"))]
    )
    assert result.exit_code == 1
    assert "no company name column" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'name\n"' + b"x" * 140_000 + b'"\n', "Line 2 cannot be read: a cell is longer than"),
        (b"name,city\nNul\x00 Isotopes,Dresden\n", "The file contains a NUL character"),
    ],
    ids=["a cell beyond the csv module's limit", "a NUL character"],
)
def test_a_file_the_databases_cannot_take_is_refused_whole(
    app: Flask, tmp_path: Path, content: bytes, message: str
) -> None:
    result = app.test_cli_runner().invoke(args=["leads", "import", str(write(tmp_path, content))])
    assert result.exit_code == 1
    assert message in result.output
    assert company_names() == []


def upload(client: FlaskClient, content: bytes, **options: str) -> str:
    token = csrf_token(client.get("/leads/import").text)
    response = client.post(
        "/leads/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "companies.csv"), **options},
        content_type="multipart/form-data",
    )
    return response.text


def test_the_upload_page_shows_the_error_report(
    staff_client: FlaskClient, hot_cells: Capability
) -> None:
    page = upload(staff_client, BAD_FILE)
    assert "Nothing was imported because some rows have errors." in page
    assert "<td>5</td><td>new_jobs:" in page
    assert company_names() == []


def test_the_upload_page_imports_the_valid_rows_when_ticked(
    staff_client: FlaskClient, hot_cells: Capability
) -> None:
    page = upload(staff_client, BAD_FILE, import_valid_rows="y")
    assert "Imported 2 of 5 rows." in page
    assert company_names() == ["Good One GmbH", "Good Two"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+49 351 123", "'+49 351 123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Rotop", "Rotop"),
        ("  =1+2", "'  =1+2"),
        ("\t=1+2", "'\t'=1+2"),
        ("Isotopes; =cmd|' /C calc'!A0", "Isotopes;' =cmd|' /C calc'!A0"),
        ("Isotopes,=1+2", "Isotopes,'=1+2"),
        ("a|@SUM(1+1)", "a|'@SUM(1+1)"),
        ("first line\r\n-2", "first line\r'\n'-2"),
        ("Smith, Jane", "Smith, Jane"),
        ("1-2", "1-2"),
    ],
)
def test_formula_like_cells_are_exported_as_text(value: str, written: str) -> None:
    assert safe_cell(value) == written


def test_the_export_of_a_formula_name_starts_with_a_quote(
    app: Flask, create_company: Callable[..., Company]
) -> None:
    create_company(name="=cmd|' /C calc'!A0")
    lines = list(export_lines(CompanyFilters(), COMMAND_LINE))
    assert lines[1].split(",")[1] == "'=cmd|' /C calc'!A0"


def test_the_download_streams_the_filtered_list(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    create_company(name="Landed One", stage=Stage.landed)
    create_company(name="Enquiry One")
    response = staff_client.get("/leads/export.csv?stage=landed")
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    rows = response.get_data(as_text=True).splitlines()
    assert rows[0].startswith("id,name,")
    assert [row.split(",")[1] for row in rows[1:]] == ["Landed One"]


def test_the_export_command_writes_a_file_that_imports_again(
    app: Flask, create_company: Callable[..., Company], tmp_path: Path
) -> None:
    create_company(name="Round Trip GmbH", domain="round-trip.example", new_jobs=12)
    target = tmp_path / "out.csv"
    result = app.test_cli_runner().invoke(args=["leads", "export", str(target)])
    assert result.exit_code == 0, result.output
    db.session.query(Company).delete()
    db.session.commit()
    report = import_companies(target.read_bytes())
    assert (report.imported, report.errors) == (1, [])
    assert db.session.scalars(select(Company.new_jobs)).one() == 12


def test_the_export_reads_companies_in_batches_as_lines_are_taken(
    app: Flask, create_company: Callable[..., Company], count_queries: Callable[[], Any]
) -> None:
    for number in range(3):
        create_company(name=f"Lead {number}")
    lines = export_lines(CompanyFilters(), COMMAND_LINE)
    with count_queries() as counted:
        header = next(lines)
    assert header.startswith("id,name")
    assert len(counted) == 0
    assert len(list(lines)) == 3


def test_a_capex_beyond_any_real_project_is_reported(app: Flask) -> None:
    report = import_companies(b"name,capex_eur,new_jobs\nBig,10000000000000000,5000000000\n")
    assert [error.message.split(":")[0] for error in report.errors] == ["new_jobs", "capex_eur"]


def test_a_capex_of_billions_is_stored(app: Flask) -> None:
    report = import_companies(b"name,capex_eur\nFab GmbH,10000000000\n")
    db.session.commit()
    assert report.imported == 1
    assert db.session.scalars(select(Company.capex_eur)).one() == 10_000_000_000
