"""``flask integrity``: replay every device's event log."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from reuse_tracker.devices.services import check_integrity


@click.command(help="Replay every device's event log; exit 1 if a state does not match.")
@click.option("--limit", default=50, show_default=True, help="Mismatches to print at most.")
@with_appcontext
def integrity(limit: int):
    problems = 0
    for tag, status, replayed in check_integrity():
        problems += 1
        if problems <= limit:
            click.secho(f"{tag}: stored {status}, log gives {replayed}", fg="red")
    if problems:
        click.secho(f"{problems} device(s) do not match their event log.", fg="red", err=True)
        raise SystemExit(1)
    click.secho("Every device matches its event log.", fg="green")
