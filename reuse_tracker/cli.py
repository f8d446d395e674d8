"""Commands that concern the whole application: backup and the demo."""

from __future__ import annotations

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    """Add the whole application's commands to ``flask`` (features add theirs in init_app)."""
    from reuse_tracker.demo import demo
    from reuse_tracker.demo_reset import demo_reset
    from reuse_tracker.maintenance import backup

    for command in (demo, demo_reset, backup):
        app.cli.add_command(command)


def fail(message: str) -> None:
    """Print ``message`` in red and exit 1."""
    click.secho(message, fg="red", err=True)
    raise SystemExit(1)
