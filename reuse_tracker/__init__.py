"""reuse_tracker: follows every donated computer of a city's reuse programme."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask

from reuse_tracker import config as config_module
from reuse_tracker import inputs, migrating
from reuse_tracker.extensions import babel, bootstrap, csrf, db, limiter, login_manager
from reuse_tracker.i18n import register_i18n
from reuse_tracker.security import register_security

#: The feature packages, in the order they plug in; each has one ``init_app(app)``.
#: ``api`` comes last: it mounts the API blueprints the others nested under it.
FEATURES = (
    "main",
    "auth",
    "devices",
    "intake",
    "workshop",
    "loans",
    "metrics",
    "documents",
    "donors",
    "api",
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    register_extensions(app)
    register_features(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to the application."""
    from reuse_tracker import database

    inputs.register(app)  # before any route: the URL converter ``int`` is the bounded one
    db.init_app(app)
    database.configure_engine(app)
    migrating.register(app)  # Flask-Migrate itself loads with the first `flask db` command
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    register_i18n(app, babel)
    register_security(app)


def register_features(app: Flask) -> None:
    """Let each feature of ``FEATURES`` plug itself in, in order."""
    for name in FEATURES:
        import_module(f"reuse_tracker.{name}").init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Answer errors as JSON on the API and as pages elsewhere."""
    from reuse_tracker.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the commands that concern the whole application (features add their own)."""
    from reuse_tracker.cli import register_cli

    register_cli(app)
