"""``flask privacy purge``: pseudonymise the families whose loans closed long ago."""

from __future__ import annotations

import click
from flask import current_app

from reuse_tracker.extensions import db
from reuse_tracker.loans import privacy as family_privacy


@click.group(help="Protect the families' personal data.")
def privacy() -> None:
    pass


@privacy.command(
    "purge",
    help="Blank the contact details and delete the charter signatures of "
    "families whose last loan closed more than FAMILY_RETENTION_DAYS ago.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Retention in days (default: FAMILY_RETENTION_DAYS).",
)
def purge(dry_run: bool, days: int | None) -> None:
    retention = days if days is not None else current_app.config["FAMILY_RETENTION_DAYS"]
    found = family_privacy.candidates(retention)
    for family in found:
        click.echo(
            f"  {family.reference}  last activity {family.last_activity:%Y-%m-%d}  "
            f"{family.contact_fields} contact field(s), {family.signatures} signature(s)"
        )
    if dry_run:
        click.secho(
            f"Dry run: {len(found)} famil{'y' if len(found) == 1 else 'ies'} would be "
            f"pseudonymised (retention {retention} days). Nothing was changed.",
            fg="yellow",
        )
        return
    count = family_privacy.purge([family.reference for family in found])
    db.session.commit()
    click.secho(
        f"Pseudonymised {count} famil{'y' if count == 1 else 'ies'} "
        f"(retention {retention} days); references and loan figures kept.",
        fg="green",
    )
