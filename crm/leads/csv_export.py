"""Companies as CSV, streamed row by row so that 100,000 rows need no more memory than 100."""

from collections.abc import Iterator

from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.leads.confidential import Reader, seen_by
from crm.leads.listing import CompanyFilters, filtered_companies
from crm.leads.models import Company
from crm.spreadsheets import csv_lines

COLUMNS = (
    "id",
    "name",
    "domain",
    "website",
    "country",
    "city",
    "sector",
    "stage",
    "source",
    "owner_email",
    "needs",
    "investment_type",
    "new_jobs",
    "safeguarded_jobs",
    "capex_eur",
    "likelihood_percent",
    "estimated_landing_on",
    "actual_landing_on",
    "landing_verified",
    "description",
    "no_follow_up_contacts",
)
BATCH_SIZE = 500


def company_row(company: Company) -> list[object]:
    values: dict[str, object] = {
        "id": company.id,
        "name": company.name,
        "domain": company.domain,
        "website": company.website,
        "country": company.country,
        "city": company.city,
        "sector": company.sector,
        "stage": company.stage.name,
        "source": company.source.name,
        "owner_email": company.owner.email if company.owner else None,
        "needs": "|".join(need.slug for need in company.needs),
        "investment_type": company.investment_type.name if company.investment_type else None,
        "new_jobs": company.new_jobs,
        "safeguarded_jobs": company.safeguarded_jobs,
        "capex_eur": company.capex_eur,
        "likelihood_percent": company.likelihood_percent,
        "estimated_landing_on": company.estimated_landing_on,
        "actual_landing_on": company.actual_landing_on,
        "landing_verified": "yes" if company.is_landing_verified else "no",
        "description": company.description,
        # Contacts who do not want WFS to follow up (crm.consents): not to be called about it.
        "no_follow_up_contacts": "|".join(
            person.email or person.name
            for person in company.contacts
            if person.has_declined_follow_up
        ),
    }
    return [values[column] for column in COLUMNS]


def export_lines(filters: CompanyFilters, reader: Reader) -> Iterator[str]:
    """The header, then one CSV line per company as ``reader`` may read it, read from the
    database in batches."""
    query = (
        filtered_companies(filters, reader)
        .options(
            selectinload(Company.owner),
            selectinload(Company.needs),
            selectinload(Company.contacts),
        )
        .execution_options(yield_per=BATCH_SIZE)
    )

    def rows() -> Iterator[list[object]]:
        for company in db.session.scalars(query):
            yield company_row(seen_by(company, reader))

    yield from csv_lines(COLUMNS, rows())
