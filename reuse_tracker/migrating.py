"""Flask-Migrate, bound on first use: ``flask db ...`` and ``app.extensions["migrate"]``.

A worker serving pages never migrates, and importing Flask-Migrate (with Alembic, Mako and
Pygments) would cost each one about 11 MB. ``register`` leaves two stand-ins on the
application, the ``db`` command group and ``app.extensions["migrate"]``; the first use of
either binds the real Flask-Migrate, which takes both places.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from reuse_tracker.cli import DeferredCommand
from reuse_tracker.extensions import db

#: The Alembic revisions, beside the package.
DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"

#: Indexes SQLAlchemy does not reflect whole (PostgreSQL: a column's ``COLLATE "C"``), so
#: that autogenerate would report a change that is none; their revision builds them and
#: ``tests/test_migrations.py`` reads their definition.
UNREFLECTED_INDEXES = frozenset({"ix_devices_status_type_grade"})


def register(app: Flask) -> None:
    """Offer ``flask db ...`` and ``app.extensions["migrate"]`` without importing Alembic yet."""
    app.extensions["migrate"] = _PendingMigrate(app)
    app.cli.add_command(DeferredCommand("db", "flask_migrate.cli:db"))


def bind(app: Flask) -> Any:
    """Bind Flask-Migrate to ``app`` unless done; return its state (``extensions["migrate"]``)."""
    if isinstance(app.extensions.get("migrate"), _PendingMigrate):
        from flask_migrate import Migrate

        Migrate().init_app(
            app,
            db,
            directory=str(DIRECTORY),
            render_as_batch=True,
            include_object=_compared,
        )
    return app.extensions["migrate"]


def _compared(item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Tell autogenerate whether to compare this table, column or index with the models."""
    return not (type_ == "index" and name in UNREFLECTED_INDEXES)


class _PendingMigrate:
    """Stands for Flask-Migrate's state until something reads it."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(bind(self._app), name)
