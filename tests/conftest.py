"""Fixtures: the application on SQLite and on PostgreSQL, clients, and factories.

Every test that asks for ``app`` (directly or through ``client``, ``db_session``
or a factory) runs twice: once on SQLite, once on PostgreSQL. PostgreSQL is
found at TEST_POSTGRES_URL (default: the local server's ``test`` database);
when it cannot be reached the PostgreSQL runs are skipped on a developer's
machine and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient

from reuse_tracker import create_app
from reuse_tracker.extensions import db as _db
from tests.hostile import world  # noqa: F401  (records and callers of every role, shared)

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def unavailable(message: str) -> NoReturn:
    """A service a test needs is missing: fail in CI (CI set), skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _postgres_schema(url: str, schema: str, *, drop: bool = False) -> None:
    """Create (or drop) the schema this test run works in; skip or fail if unreachable."""
    try:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            if not drop:
                connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {url}: {error.orig}")


@contextmanager
def new_database(kind: str, sqlite_file: Path) -> Iterator[str]:
    """Yield the URL of a database that exists and holds nothing: ``sqlite_file``, or a
    PostgreSQL database created for it (and dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    server = _postgres_url()
    name = f"rt_fresh_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        unavailable(f"PostgreSQL is not reachable at {server}: {error.orig}")
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A database of this test run's own: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    url = _postgres_url()
    # A schema per run, so that runs in parallel (developers, CI) never meet.
    schema = f"test_run_{os.getpid()}"
    _postgres_schema(url, schema)
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    _postgres_schema(url, schema, drop=True)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an application context of its own.

    Tests hold an application context (for factories and the database); without
    this, requests would share its ``g`` (signed-in user, locale) and its
    database session, which real requests never do.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            # A cheap hash: a user costs 2 ms, not 160 (tests/auth/test_login.py: the rehash).
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            # Tests read English messages; tests/auth/test_login.py checks the French default.
            "BABEL_DEFAULT_LOCALE": "en",
            "PUBLIC_BASE_URL": "https://reuse.example.org",
            "SERVER_NAME": None,
            # Figures read after each change; tests/metrics/test_figures.py checks the keeping.
            "METRICS_MAX_AGE": 0,
        }
    )
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
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


def empty_tables(keep: tuple[str, ...] = ()) -> None:
    """Delete the rows of all tables but ``keep`` (below the ORM, which refuses to drop events)."""
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in keep:
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

    def make(
        count: int = 3,
        type: str = "laptop",
        donor: str = "Société Exemple",
        received_on: date = date(2026, 11, 2),
        actor=None,
        **device_fields,
    ):
        rows = [
            {
                "type": type,
                "brand": "Dell",
                "model": "Latitude 5490",
                "serial": f"SN{make.serial:06d}{i:04d}",
                **device_fields,
            }
            for i in range(count)
        ]
        make.serial += 1
        donation = intake.register_donation({"name": donor}, received_on, rows, actor=actor)
        _db.session.commit()
        return donation

    make.serial = 0
    return make


#: A passed, verified erasure, as ``record_erasure`` takes it.
ERASURE = {
    "method": "purge",
    "technique": "overwrite",
    "tool": "nwipe",
    "verification": "full",
    "result": "passed",
}
#: Through the workshop up to the grade: what ``mark_ready`` needs but the grade.
WORKSHOP_PATH = [
    ("start_reconditioning", {}),
    ("record_erasure", ERASURE),
    ("record_diagnostics", {"result": "passed"}),
]
#: A path through the lifecycle to each state, for tests that need a device there.
PATHS = {
    "received": [],
    "in_workshop": [("start_reconditioning", {})],
    "ready": [*WORKSHOP_PATH, ("grade", {"grade": "A"}), ("mark_ready", {})],
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


@pytest.fixture
def count_queries(app_ctx):
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(_db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(_db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def live_server(app_ctx):
    """Serve the application on a free local port for a real browser; yield its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app_ctx, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; missing in CI is a failure, not a skip."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                # The browser's own controls (date fields) in French, as a French user's.
                "--lang=fr-FR",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def signed_in_page(browser, live_server, make_user):
    """A browser page signed in as a user with ``role``."""
    pages = []

    def open_page(role: str = "workshop", width: int = 1200):
        user = make_user(role)
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        pages.append(context)
        return page

    yield open_page
    for context in pages:
        context.close()


@pytest.fixture
def french(app):
    """Serve pages in French by default, as production does (config.py)."""
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    yield app
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def frozen_clock(monkeypatch):
    """Freeze ``reuse_tracker.clock`` at a moment, with the process's own zone set to ``tz``.

    ``frozen_clock(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tz="Etc/GMT-14")`` makes
    "now" that moment and the server's zone UTC+14, as a server set far from Paris would be.
    """
    import time
    from contextlib import ExitStack

    from reuse_tracker import clock

    stack = ExitStack()

    def freeze(moment, tz: str | None = None):
        if tz is not None:
            monkeypatch.setenv("TZ", tz)
            time.tzset()
        stack.enter_context(clock.freeze(moment))

    yield freeze
    stack.close()
    monkeypatch.undo()
    time.tzset()
