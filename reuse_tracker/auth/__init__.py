"""Users, roles, sign-in and API tokens."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Serve sign-in and sign-out; add ``flask users`` and ``flask tokens``."""
    from reuse_tracker.auth import cli, views

    add_feature(app, "auth", [views.__name__])
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
    app.cli.add_command(cli.tokens)
