"""reuse_tracker: follows every donated computer of a city's reuse programme."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from reuse_tracker import config as config_module
from reuse_tracker.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from reuse_tracker.i18n import register_i18n
from reuse_tracker.security import register_security


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to the application."""
    from reuse_tracker import database

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    register_i18n(app, babel)
    register_security(app)


def register_blueprints(app: Flask) -> None:
    """Mount each feature's blueprint and let features join the action service."""
    from reuse_tracker.api.views import bp as api_bp
    from reuse_tracker.auth.views import bp as auth_bp
    from reuse_tracker.devices import printing  # noqa: F401  (label routes on devices_bp)
    from reuse_tracker.devices.views import bp as devices_bp
    from reuse_tracker.intake import labels as intake_labels  # noqa: F401  (on intake_bp)
    from reuse_tracker.intake.views import bp as intake_bp
    from reuse_tracker.loans import api as loans_api  # noqa: F401  (its routes on api_bp)
    from reuse_tracker.loans import cli as loans_cli  # noqa: F401  (flask privacy purge)
    from reuse_tracker.loans.services import register_loan_actions
    from reuse_tracker.loans.views import bp as loans_bp
    from reuse_tracker.main import bp as main_bp
    from reuse_tracker.workshop import api as workshop_api  # noqa: F401  (its routes on api_bp)
    from reuse_tracker.workshop.services import register_workshop_actions
    from reuse_tracker.workshop.views import bp as workshop_bp

    for blueprint in (main_bp, auth_bp, devices_bp, intake_bp, workshop_bp, loans_bp, api_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    register_loan_actions()
    register_workshop_actions()


def register_errorhandlers(app: Flask) -> None:
    """Answer errors as JSON on the API and as pages elsewhere."""
    from reuse_tracker.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the command-line interface."""
    from reuse_tracker.cli import register_cli

    register_cli(app)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
