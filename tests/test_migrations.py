"""The Alembic revisions build exactly the schema the models describe, and unwind cleanly.

Each test runs the real ``flask db upgrade`` on a brand-new database (a SQLite file, or a
PostgreSQL database created for the run), then asks Alembic's autogenerate for the difference
with the models: a model changed without its revision shows up here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from reuse_tracker import create_app
from reuse_tracker.extensions import db
from tests.conftest import new_database


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path) -> Iterator[str]:
    """The URL of a database that exists and holds nothing."""
    with new_database(request.param, tmp_path / "migrations.sqlite") as url:
        yield url


@pytest.fixture
def migrated_app(fresh_url):
    """An application on the fresh database, in an application context."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": fresh_url})
    with app.app_context(), _logging_kept():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def _logging_kept() -> Iterator[None]:
    """Undo what Alembic's env.py does to logging (fileConfig disables existing loggers)."""
    loggers = [x for x in logging.root.manager.loggerDict.values() if isinstance(x, logging.Logger)]
    disabled = {logger: logger.disabled for logger in loggers}
    level, handlers = logging.root.level, list(logging.root.handlers)
    try:
        yield
    finally:
        for logger, was_disabled in disabled.items():
            logger.disabled = was_disabled
        logging.root.setLevel(level)
        logging.root.handlers[:] = handlers


def _schema_differences(app) -> list:
    """Return what autogenerate would put in a new revision (empty: models and schema agree)."""
    options = {
        key: value
        for key, value in app.extensions["migrate"].configure_args.items()
        if key.startswith(("compare_", "include_"))
    }
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, **options})
        return compare_metadata(context, db.metadata)


def _head(app) -> str:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"the revisions have several heads: {heads}"
    return heads[0]


def _current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _indexes_of(table: str) -> set[str]:
    """The names of ``table``'s indexes, expression indexes too (SQLite's reflection skips them)."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = :table"
    with db.engine.connect() as connection:
        return set(connection.scalars(sa.text(query), {"table": table}))


def test_upgrade_builds_the_schema_of_the_models(migrated_app):
    flask_migrate.upgrade()

    assert _current_revision() == _head(migrated_app)
    assert _tables() == set(db.metadata.tables)
    differences = _schema_differences(migrated_app)
    assert differences == [], (
        "The models and the migrations differ; add a revision "
        f"(flask --app reuse_tracker db migrate -m '...'): {differences}"
    )


def test_downgrade_to_base_then_upgrade_again(migrated_app):
    flask_migrate.upgrade()

    flask_migrate.downgrade(revision="base")

    assert _current_revision() is None
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _current_revision() == _head(migrated_app)
    assert _schema_differences(migrated_app) == []


def test_the_readiness_gap_revision_works_each_gap_out_from_its_log(migrated_app):
    """0017 fills what the action service keeps from then on, and keeps the devices' indexes
    (a copied SQLite table would have lost the search's expression indexes)."""
    from datetime import date

    from reuse_tracker.devices import services
    from reuse_tracker.devices.models import Device
    from reuse_tracker.intake import services as intake
    from tests.workshop.helpers import DIAGNOSED, ERASED, FAILED, GRADED

    flask_migrate.upgrade()
    kinds = ("laptop", "laptop", "laptop", "monitor", "laptop", "laptop")
    rows = [
        {"type": kind, "brand": "Dell", "model": "Latitude", "serial": f"MIG{n}"}
        for n, kind in enumerate(kinds)
    ]
    intake.register_donation({"name": "Société Exemple"}, date(2026, 11, 2), rows, actor=None)
    _received, fresh, failed, monitor, graded, ready = db.session.scalars(
        sa.select(Device).order_by(Device.id)
    )
    logs = {
        fresh: [("start_reconditioning", {})],
        failed: [("start_reconditioning", {}), ("record_erasure", FAILED)],
        monitor: [("start_reconditioning", {}), ("record_diagnostics", DIAGNOSED)],
        graded: [
            ("start_reconditioning", {}),
            ("record_erasure", ERASED),
            ("record_diagnostics", DIAGNOSED),
            ("grade", GRADED),
        ],
        ready: [
            ("start_reconditioning", {}),
            ("record_erasure", ERASED),
            ("record_diagnostics", DIAGNOSED),
            ("grade", GRADED),
            ("mark_ready", {}),
        ],
    }
    for device, log in logs.items():
        for action, data in log:
            services.perform(device, action, data, actor=None)
    db.session.commit()
    kept = dict(db.session.execute(sa.select(Device.serial, Device.readiness_gap)).all())
    last = dict(db.session.execute(sa.select(Device.serial, Device.last_event_at)).all())
    indexes = _indexes_of("devices")
    db.session.remove()

    flask_migrate.downgrade(revision="0016")
    flask_migrate.upgrade()

    assert kept == {
        "MIG0": None,
        "MIG1": "erasure",
        "MIG2": "erasure_failed",
        "MIG3": "grade",
        "MIG4": "",
        "MIG5": None,
    }
    assert dict(db.session.execute(sa.select(Device.serial, Device.readiness_gap)).all()) == kept
    assert dict(db.session.execute(sa.select(Device.serial, Device.last_event_at)).all()) == last
    assert _indexes_of("devices") == indexes
    assert "ix_devices_model_key_pattern" in indexes
    assert list(services.check_integrity()) == []


def test_the_ready_devices_index_orders_tags_by_code_point(migrated_app):
    """Left out of the comparison above (SQLAlchemy does not reflect an index column's
    collation): the revision builds the index the proposal reads in its order."""
    flask_migrate.upgrade()

    if db.engine.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        query = "SELECT sql FROM sqlite_master WHERE name = :name"
    with db.engine.connect() as connection:
        definition = connection.scalar(sa.text(query), {"name": "ix_devices_status_type_grade"})
    columns = "status, type, grade, status_changed_at, asset_tag"
    if db.engine.dialect.name == "postgresql":
        columns += ' COLLATE "C"'
    assert definition.endswith(f"({columns})"), definition
    assert "ix_devices_status_type" not in _indexes_of("devices")  # the index it replaces
