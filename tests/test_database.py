"""The engine's settings on each database: what every connection of the application has."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.extensions import db

#: What each database is told on every new connection (reuse_tracker/database.py).
SETTINGS = {
    # foreign keys enforced, lock waits instead of "database is locked" errors
    "sqlite": {"PRAGMA foreign_keys": 1, "PRAGMA busy_timeout": 10000},
    # short queries are not JIT-compiled (60 of the workshop board's 112 ms at 100k devices)
    "postgresql": {"SHOW jit": "off"},
}


def test_every_connection_gets_the_settings_of_its_database(app_ctx):
    db.engine.dispose()  # new connections, made as the application makes them
    with db.engine.connect() as connection:
        found = {
            query: connection.execute(sa.text(query)).scalar()
            for query in SETTINGS[db.engine.dialect.name]
        }
    assert found == SETTINGS[db.engine.dialect.name]
