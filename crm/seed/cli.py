import click
from flask.cli import with_appcontext

from crm.extensions import db
from crm.seed.services import seed as seed_data


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add fictional demo companies and a sample event.")
@with_appcontext
def seed(demo: bool) -> None:
    """Load the cluster's partners and events; running it again changes nothing."""
    counts = seed_data(with_demo=demo)
    db.session.commit()
    click.echo(", ".join(f"{count} {what} added" for what, count in counts.items()))
