"""Fixtures: the application on SQLite and on PostgreSQL, clients, and factories.

Every test that asks for ``app`` (directly or through ``client``, ``db_session``
or a factory) runs twice: once on SQLite, once on PostgreSQL. PostgreSQL is
found at TEST_POSTGRES_URL (default: the local server's ``test`` database);
when it cannot be reached the PostgreSQL runs are skipped on a developer's
machine and fail in CI (CI=true).
"""

from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa

from reuse_tracker import create_app
from reuse_tracker.extensions import db as _db

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def _postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _require_postgres(url: str) -> None:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL is not reachable at {url}: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = _postgres_url()
    _require_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": "https://reuse.example.org",
        "SERVER_NAME": None,
    })
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        _db.drop_all()
        _drop_alembic_version()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


def _drop_alembic_version() -> None:
    with _db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app_ctx(app):
    """An application context for the test; every table is emptied afterwards."""
    with app.app_context():
        yield app
        _db.session.remove()
        empty_tables()


def empty_tables() -> None:
    """Delete every row (below the ORM, which refuses to delete events)."""
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db_session(app_ctx):
    return _db.session


@pytest.fixture
def client(app_ctx):
    return app_ctx.test_client()


@pytest.fixture
def runner(app_ctx):
    return app_ctx.test_cli_runner()


@pytest.fixture
def make_user(app_ctx):
    from reuse_tracker.auth.services import create_user

    def make(role: str = "workshop", email: str | None = None, name: str | None = None):
        email = email or f"{role}-{make.count}@example.org"
        make.count += 1
        user = create_user(email, role, PASSWORD, name or f"{role.title()} {make.count}")
        _db.session.commit()
        return user

    make.count = 0
    return make


@pytest.fixture
def login(client, make_user):
    """Sign ``client`` in as a new user with ``role``; return the user."""

    def sign_in(role: str = "workshop"):
        user = make_user(role)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return user

    return sign_in


@pytest.fixture
def make_donation(app_ctx, make_user):
    """Register a donation of ``count`` devices through the real intake path."""
    from reuse_tracker.intake import services as intake

    def make(count: int = 3, type: str = "laptop", donor: str = "Société Exemple",
             received_on: date = date(2026, 11, 2), actor=None, **device_fields):
        rows = [{"type": type, "brand": "Dell", "model": "Latitude 5490",
                 "serial": f"SN{make.serial:06d}{i:04d}", **device_fields}
                for i in range(count)]
        make.serial += 1
        donation = intake.register_donation(
            {"name": donor}, received_on, rows, actor=actor)
        _db.session.commit()
        return donation

    make.serial = 0
    return make


#: A path through the lifecycle to each state, for tests that need a device there.
PATHS = {
    "received": [],
    "in_workshop": [("start_reconditioning", {})],
    "ready": [
        ("start_reconditioning", {}),
        ("record_erasure", {"method": "purge", "technique": "overwrite", "tool": "nwipe",
                            "verification": "full", "result": "passed"}),
        ("record_diagnostics", {"result": "passed"}),
        ("grade", {"grade": "A"}),
        ("mark_ready", {}),
    ],
    "harvested": [("harvest", {})],
    "recycled": [("recycle", {"weight_kg": "2.1", "channel": "ecosystem"})],
}


@pytest.fixture
def make_device(make_donation):
    """Return a device of a new donation, moved to ``status`` by real actions."""
    from reuse_tracker.devices import services
    from reuse_tracker.devices.models import Device

    def make(status: str = "received", **device_fields):
        donation = make_donation(1, **device_fields)
        device = _db.session.scalar(sa.select(Device).where(Device.donation_id == donation.id))
        for action, data in PATHS[status]:
            services.perform(device, action, data, actor=None)
        _db.session.commit()
        return device

    return make
