"""Commands that concern the whole application: backup and the demo."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    """Add the whole application's commands to ``flask`` (features add theirs in init_app)."""
    from reuse_tracker.maintenance import backup

    # The demo's data and plans are imported when it runs, not by every worker (about 2 MB).
    app.cli.add_command(DeferredCommand("demo", "reuse_tracker.demo:demo"))
    app.cli.add_command(DeferredCommand("demo-reset", "reuse_tracker.demo_reset:demo_reset"))
    app.cli.add_command(backup)


class DeferredCommand(click.Command):
    """A command, or a group, whose module is imported only when ``flask`` runs or lists it.

    ``target`` is ``"module:name"``. Click runs the command of the context that
    ``make_context`` returns: the real one, with its options, its help and its subcommands.
    """

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name)
        self.target = target

    def load(self) -> click.Command:
        module, name = self.target.split(":")
        return getattr(import_module(module), name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.load().get_short_help_str(limit)


def fail(message: str) -> None:
    """Print ``message`` in red and exit 1."""
    click.secho(message, fg="red", err=True)
    raise SystemExit(1)
