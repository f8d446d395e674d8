"""Engine set-up per database, and the list of models for Alembic."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

import sqlalchemy as sa
from flask import Flask

from reuse_tracker.extensions import db


def configure_engine(app: Flask) -> None:
    """Make SQLite behave like a server database: foreign keys, WAL, waiting on locks."""
    import_models()
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def import_models() -> None:
    """Import every feature's ``models`` module so the metadata (and Alembic) knows them all."""
    from reuse_tracker import FEATURES, sequences  # noqa: F401  (sequences holds a table)
    from reuse_tracker.auth import audit  # noqa: F401  (the audit log's table)

    for name in FEATURES:
        if find_spec(f"reuse_tracker.{name}.models") is not None:
            import_module(f"reuse_tracker.{name}.models")


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk path that creates no cycles.

    Checking and inserting 10,000 devices keeps ~10,000 objects alive at once, which sets
    off a full collection over the whole heap (50-80 ms measured, nothing found): more
    than the devices' INSERT. Reference counting frees memory as usual meanwhile; the
    collector resumes afterwards, unless it was already off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
