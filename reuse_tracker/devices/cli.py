"""``flask integrity``: replay every device's event log; check the state summary."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from reuse_tracker.devices import counts
from reuse_tracker.devices.services import check_integrity
from reuse_tracker.extensions import db


@click.command(help="Replay every device's event log; exit 1 if a state does not match.")
@click.option("--limit", default=50, show_default=True, help="Mismatches to print at most.")
@click.option(
    "--rebuild-counts", is_flag=True, help="Recompute the state summary from the devices."
)
@with_appcontext
def integrity(limit: int, rebuild_counts: bool):
    problems = 0
    for tag, status, replayed in check_integrity():
        problems += 1
        if problems <= limit:
            click.secho(f"{tag}: stored {status}, log gives {replayed}", fg="red")
    if problems:
        click.secho(f"{problems} device(s) do not match their event log.", fg="red", err=True)
    drift = counts.mismatches()
    for (status, kind), (summary, actual) in drift.items():
        click.secho(f"device_counts {status}/{kind}: {summary}, devices: {actual}", fg="red")
    if drift:
        click.secho(
            "The state summary disagrees with the devices: run `flask integrity --rebuild-counts`.",
            fg="red",
            err=True,
        )
    if rebuild_counts:
        counts.rebuild()
        db.session.commit()
        click.secho("State summary rebuilt from the devices.", fg="green")
    if problems or (drift and not rebuild_counts):
        raise SystemExit(1)
    click.secho("Every device matches its event log.", fg="green")
