"""``flask metrics``: load a city's factor set, recompute the kept periods."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.metrics import factors, figures


@click.group(help="The programme's figures.")
def metrics() -> None:
    """The programme's figures."""


@metrics.command("load-factors", help="Load a factor set (CSV) and use it from now on.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "version", required=True, help="The set's version, e.g. nantes-2027.")
@click.option("--date", "published_on", required=True, help="The set's date (YYYY-MM-DD).")
@click.option("--source", required=True, help="Where the figures come from.")
@click.option("--share", default=None, help="The avoided share of substitution (default 0.74).")
@with_appcontext
def load_factors(file: Path, version: str, published_on: str, source: str, share: str | None):
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.secho(f"{file}: not a UTF-8 text file", fg="red", err=True)
        raise SystemExit(1) from None
    try:
        loaded = factors.load(
            text, version=version, published_on=published_on, source=source, avoided_share=share
        )
    except ValidationError as error:
        db.session.rollback()
        for field, message in error.fields.items():
            click.secho(f"{field}: {message}", fg="red", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.secho(
        f"{loaded.version}: {len(loaded.rows)} device types loaded, now in use.", fg="green"
    )


@metrics.command(
    "recompute", help="Recompute the kept figures of closed periods with the set in use."
)
@with_appcontext
def recompute() -> None:
    done = figures.recompute_all()
    db.session.commit()
    for start, end in done:
        click.echo(f"{start.isoformat()} – {end.isoformat()}")
    click.secho(f"{len(done)} period(s) recomputed.", fg="green")
