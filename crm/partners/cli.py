import click
from flask.cli import with_appcontext

from crm.extensions import db
from crm.leads.models import Company
from crm.partners.services import suggestions_for


@click.group(help="Cluster partners and matchmaking.")
def partners() -> None:
    pass


@partners.command("suggest", help="Print the ranked partner suggestions for one company.")
@click.argument("company_id", type=int)
@with_appcontext
def suggest(company_id: int) -> None:
    company = db.session.get(Company, company_id)
    if company is None:
        raise click.BadParameter(
            f"There is no company with id {company_id}.", param_hint="COMPANY_ID"
        )
    ranking = suggestions_for(company)
    if not ranking.suggestions:
        click.echo(ranking.why_empty)
    for suggestion in ranking.suggestions:
        click.echo(f"{suggestion.score:.2f}  {suggestion.partner.name}  ({suggestion.explanation})")
