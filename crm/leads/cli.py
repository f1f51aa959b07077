from collections.abc import Iterator
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.cli import parse_instant
from crm.leads.confidential import COMMAND_LINE
from crm.leads.csv_export import export_lines
from crm.leads.csv_import import CheckedRow, ImportFileError, import_companies
from crm.leads.digest import due_digests, queue_due_digests
from crm.leads.listing import CompanyFilters
from crm.unit_of_work import unit_of_work


@click.group()
def leads() -> None:
    """Import and export companies."""


def with_progress(rows: Iterator[CheckedRow], length: int) -> Iterator[CheckedRow]:
    with click.progressbar(rows, length=length, label="Checking rows") as bar:
        yield from bar


@leads.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row, import nothing.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows even if others fail.")
@with_appcontext
@unit_of_work
def import_command(file: Path, dry_run: bool, valid_only: bool) -> None:
    """Import companies from a CSV file (comma or semicolon, UTF-8 with or without BOM)."""
    try:
        report = import_companies(
            file.read_bytes(), valid_only=valid_only, dry_run=dry_run, progress=with_progress
        )
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    for row_error in report.errors:
        click.echo(f"row {row_error.row_number}: {row_error.message}", err=True)
    if report.is_dry_run:
        click.echo(f"Dry run: {report.valid_rows} of {report.total_rows} rows are valid.")
    else:
        click.echo(f"Imported {report.imported} of {report.total_rows} rows.")
    if report.errors and not (dry_run or valid_only):
        raise click.ClickException("Nothing was imported: fix the rows above or use --valid-only.")


@leads.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write every live company to a CSV file."""
    with file.open("w", encoding="utf-8", newline="") as target:
        for line in export_lines(CompanyFilters(), COMMAND_LINE):
            target.write(line)
    click.echo(f"Exported to {file}.")


@click.group()
def digest() -> None:
    """The daily mail of each staff member's follow-up tasks."""


@digest.command("send")
@click.option("--now", "now_text", help="Act as if it were this instant (ISO 8601 with offset).")
@click.option("--dry-run", is_flag=True, help="List the due digests without queueing them.")
@with_appcontext
@unit_of_work
def send_digests(now_text: str | None, dry_run: bool) -> None:
    """Queue today's digest for every staff member with overdue or today's tasks."""
    now = parse_instant(now_text)
    found = due_digests(now) if dry_run else queue_due_digests(now)
    for staff_digest in found:
        click.echo(str(staff_digest))
    click.echo(f"{len(found)} digests {'due' if dry_run else 'queued'}.")
