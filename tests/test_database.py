"""The engine's settings on each database: what every connection of the application has, and
which requests run outside a transaction."""

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


def _autocommit(dbapi_connection) -> bool:
    """Tell whether the driver runs each statement alone (no transaction around it)."""
    if db.engine.dialect.name == "sqlite":
        return dbapi_connection.isolation_level is None
    return dbapi_connection.autocommit


def test_a_scan_look_up_reads_outside_a_transaction_on_postgresql_only(client, login, make_device):
    # PostgreSQL: no BEGIN and ROLLBACK round trips for a look-up; the pooled connection is
    # handed back in a transaction's mode, so the write that follows is one transaction.
    login("workshop")
    device = make_device("received")
    tag, version, device_id, model = device.asset_tag, device.version, device.id, type(device)
    db.session.remove()
    db.engine.dispose()  # one connection in the pool: the look-up's, then the write's
    seen: list[tuple[str, int, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        dbapi_connection = conn.connection.dbapi_connection
        seen.append((statement.split()[0], id(dbapi_connection), _autocommit(dbapi_connection)))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/devices/{tag}").status_code == 200
        looked_up = list(seen)
        seen.clear()
        answer = client.post(
            f"/devices/{tag}/actions/start_reconditioning", data={"version": version}
        )
        assert answer.status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    on_postgresql = db.engine.dialect.name == "postgresql"
    assert looked_up and all(alone is on_postgresql for _verb, _id, alone in looked_up)
    assert {"UPDATE", "INSERT"} <= {verb for verb, _id, _alone in seen}
    assert not any(alone for _verb, _id, alone in seen)  # the action: one transaction
    assert {conn for _verb, conn, _alone in seen} == {looked_up[0][1]}  # the same connection
    assert db.session.get(model, device_id).status == "in_workshop"


def test_an_api_look_up_keeps_the_time_a_token_was_used(client, make_user, make_device):
    from reuse_tracker.auth.models import ApiToken
    from reuse_tracker.auth.services import create_token

    device = make_device("received")
    token = create_token(make_user("viewer"), "scanner")
    db.session.commit()
    answer = client.get(
        f"/api/v1/devices/{device.asset_tag}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.json["asset_tag"] == device.asset_tag
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
