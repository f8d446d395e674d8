"""``flask privacy purge`` (families whose loans closed long ago) and ``flask schools import``."""

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


@click.group(help="Manage the schools of the programme.")
def schools():
    pass


@schools.command(
    "import",
    help="Create or update schools, by UAI, from the national directory's CSV export "
    "(Annuaire de l'éducation, ';'-separated UTF-8).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_schools(file: str):
    from pathlib import Path

    from reuse_tracker.cli import fail
    from reuse_tracker.errors import UserError
    from reuse_tracker.loans import directory

    try:
        result = directory.import_rows(directory.read(Path(file).read_bytes()))
    except UserError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        fail(f"{error.message} {details}".strip())
    db.session.commit()
    click.secho(
        f"{result.created} schools created, {result.updated} updated, "
        f"{result.unchanged} unchanged.",
        fg="green",
    )
