"""``flask donors link DONOR``: print a new portal link for a donor."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from reuse_tracker.cli import fail
from reuse_tracker.extensions import db


@click.group(help="Donors and their portal links.")
def donors():
    pass


@donors.command(help="Print a new portal link for DONOR (its id, SIRET or exact name).")
@click.argument("donor")
@with_appcontext
def link(donor: str):
    from reuse_tracker.donors import services

    found = services.find_donor(donor)
    if found is None:
        fail(f"No donor has the id, SIRET or name {donor!r}.")
    url = services.portal_url(services.new_link(found, actor=None))
    db.session.commit()
    click.secho(f"Portal link of {found.name} (the previous one no longer works):", fg="green")
    click.echo(url)
