import click
from flask.cli import with_appcontext

from crm.seed.services import seed as seed_data
from crm.unit_of_work import unit_of_work


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add fictional demo companies and a sample event.")
@with_appcontext
@unit_of_work
def seed(demo: bool) -> None:
    """Load the cluster's partners and events; running it again changes nothing."""
    counts = seed_data(with_demo=demo)
    click.echo(", ".join(f"{count} {what} added" for what, count in counts.items()))
