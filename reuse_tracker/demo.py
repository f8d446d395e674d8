"""``flask demo`` (being built)."""

import click


@click.command(help="Load the Nantes 2021 demo programme into an empty database.")
def demo():
    click.echo("not yet")
