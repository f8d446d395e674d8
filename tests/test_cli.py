"""The application-wide commands: ``integrity``, ``backup`` and ``demo``."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections import Counter

import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker import demo as demo_module
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.intake.services import siret_is_valid
from tests.conftest import unavailable


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- integrity ----------------------------------------------------------------


def test_integrity_passes_on_a_clean_database(runner, make_device):
    for status in ("received", "ready", "recycled"):
        make_device(status)

    result = runner.invoke(args=["integrity"])

    assert result.exit_code == 0, result.output
    assert "Every device matches its event log." in result.output


def test_integrity_names_a_device_whose_state_was_tampered_with(runner, make_device):
    make_device("ready")
    tampered = make_device("in_workshop")
    # Below the application: what a hand-made SQL fix would do.
    db.session.execute(
        sa.text("UPDATE devices SET status = 'ready' WHERE id = :id"), {"id": tampered.id}
    )
    db.session.commit()

    result = runner.invoke(args=["integrity"])

    assert result.exit_code == 1
    assert f"{tampered.asset_tag}: stored ready, log gives in_workshop" in result.output
    assert "1 device(s) do not match their event log." in result.output


# --- backup -------------------------------------------------------------------


def test_backup_writes_a_readable_copy(app_ctx, runner, make_device, tmp_path):
    for status in ("received", "ready", "ready"):
        make_device(status)
    events = _count(DeviceEvent)
    target = tmp_path / "copies" / "reuse_tracker.backup"
    if db.engine.dialect.name == "postgresql":
        _require_pg_tools()
        # Another installation's tables in the same database: not this one's to copy.
        with db.engine.begin() as connection:
            schema = connection.scalar(sa.text("SELECT current_schema()"))
            connection.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}_other"))
            connection.execute(
                sa.text(f"CREATE TABLE IF NOT EXISTS {schema}_other.devices (id int)")
            )

    try:
        result = runner.invoke(args=["backup", str(target)])
    finally:
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA {schema}_other CASCADE"))

    assert result.exit_code == 0, result.output
    assert f"Backup written to {target}" in result.output
    assert [path.name for path in target.parent.iterdir()] == [target.name]
    if db.engine.dialect.name == "sqlite":
        copy = sqlite3.connect(target)
        try:
            assert copy.execute("SELECT count(*) FROM devices").fetchone() == (3,)
            assert copy.execute("SELECT count(*) FROM device_events").fetchone() == (events,)
        finally:
            copy.close()
    else:
        assert _rows_in_dump(target, "devices") == 3
        assert _rows_in_dump(target, "device_events") == events
        # The URL's search_path is this run's schema: the copy holds it alone, not the other
        # schemas of the database (other test runs', another installation's).
        listing = subprocess.run(
            ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
        ).stdout
        schema = db.session.scalar(sa.text("SELECT current_schema()"))
        tables = re.findall(r"TABLE (?:DATA )?(\S+) devices ", listing)
        assert tables and set(tables) == {schema}, listing


def test_backup_refuses_to_overwrite_without_force(app_ctx, runner, tmp_path):
    target = tmp_path / "existing.backup"
    target.write_text("keep me")
    if db.engine.dialect.name == "postgresql":
        _require_pg_tools()

    refused = runner.invoke(args=["backup", str(target)])

    assert refused.exit_code == 1
    assert "use --force" in refused.output
    assert target.read_text() == "keep me"
    forced = runner.invoke(args=["backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.stat().st_size > len("keep me")


def _require_pg_tools() -> None:
    """Skip without pg_dump on a developer's machine; in CI, a missing pg_dump fails."""
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (apt-get install postgresql-client)")


def _rows_in_dump(dump, table: str) -> int:
    """Count the rows of this test run's ``table`` in a pg_dump custom-format archive."""
    schema = db.session.scalar(sa.text("SELECT current_schema()"))
    command = ["pg_restore", "--data-only", f"--schema={schema}", f"--table={table}", "-f", "-"]
    sql = subprocess.run([*command, str(dump)], capture_output=True, text=True, check=True).stdout
    lines = sql.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"COPY {schema}.{table} "))
    return lines.index("\\.", start) - start - 1


# --- demo ---------------------------------------------------------------------


def test_demo_loads_the_programme_into_an_empty_database_and_only_there(runner):
    result = runner.invoke(args=["demo"])

    # Dated in the latest plan played by today (tests/test_demo.py pins one such day).
    calendar = demo_module.PlanCalendar.for_today(clock.today())
    assert result.exit_code == 0, result.output
    assert (
        "Loaded the demo programme modelled on Nantes' 2021 plan, dated "
        f"{demo_module.first_day(calendar):%B %Y} – {calendar.as_of:%B %Y}, in "
    ) in result.output
    assert f"password: {demo_module.PASSWORD}" in result.output
    statuses = Counter(db.session.scalars(sa.select(Device.status)))
    # 480 devices became ready; the waves then lent most of them (loans/demo.py). The same
    # every year: the plan moves in whole weeks, only the holidays differ.
    expected = {
        "received": 60,
        "in_workshop": 120,
        "ready": 17,
        "reserved": 6,
        "on_loan": 443,
        "returned": 4,
        "lost": 4,
        "transferred": 6,
        "harvested": 25,
        "recycled": 15,
    }
    assert statuses == expected
    types = Counter(db.session.scalars(sa.select(Device.type)))
    assert types["laptop"] > 500 and {"desktop", "monitor", "tablet", "smartphone"} <= set(types)

    donors = db.session.scalars(sa.select(Donor)).all()
    assert len(donors) >= 5
    assert all(donor.siret and siret_is_valid(donor.siret) for donor in donors)
    assert all("fictif" in donor.name or "fictive" in donor.name for donor in donors)
    references = db.session.scalars(sa.select(Donation.reference)).all()
    assert f"DON-{calendar.year}-0001" in references

    roles = Counter(db.session.scalars(sa.select(User.role)))
    assert roles == {"admin": 1, "coordinator": 1, "workshop": 2, "mediator": 1, "viewer": 1}
    coordination = db.session.scalar(
        sa.select(User).where(User.email == f"coordination@{demo_module.EMAIL_DOMAIN}")
    )
    assert coordination.check_password(demo_module.PASSWORD)

    # Dated as it happened: during the programme, never after the demo's end.
    first, last = db.session.execute(
        sa.select(sa.func.min(DeviceEvent.created_at), sa.func.max(DeviceEvent.created_at))
    ).one()
    assert first.date() == demo_module.first_day(calendar) and last <= calendar.as_of

    checked = runner.invoke(args=["integrity"])
    assert checked.exit_code == 0, checked.output

    events = _count(DeviceEvent)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "not empty" in again.output
    assert (_count(Device), _count(DeviceEvent), _count(User)) == (700, events, 6)


def test_demo_changes_nothing_when_a_user_exists(runner, make_user):
    make_user("admin", email="admin@example.org")

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "The database is not empty" in result.output
    assert "Demo accounts" not in result.output
    assert (_count(User), _count(Donor), _count(Device)) == (1, 0, 0)


def test_fictional_sirets_pass_the_check():
    import random

    rng = random.Random(7)
    assert all(siret_is_valid(demo_module.fictional_siret(rng)) for _ in range(500))
