"""Commands that concern the whole application: integrity, backup, demo."""

from __future__ import annotations

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    """Add every feature's commands to ``flask``."""
    from reuse_tracker.auth.cli import tokens, users
    from reuse_tracker.demo import demo
    from reuse_tracker.devices.cli import integrity
    from reuse_tracker.maintenance import backup

    for command in (users, tokens, demo, integrity, backup):
        app.cli.add_command(command)


def fail(message: str) -> None:
    """Print ``message`` in red and exit 1."""
    click.secho(message, fg="red", err=True)
    raise SystemExit(1)
