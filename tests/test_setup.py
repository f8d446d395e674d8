"""Set-up: ``make run`` points the QR codes at the port it serves; ``demo-reset`` guards data."""

import shutil
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa

from reuse_tracker.auth.models import User
from reuse_tracker.demo import EMAIL_DOMAIN
from reuse_tracker.extensions import db
from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parent.parent


def _make_run(**variables) -> str:
    if shutil.which("make") is None:
        unavailable("GNU make is not installed")
    args = ["make", "-n", "-o", "compile-translations", "run"]
    args += [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_run_derives_the_public_address_from_host_and_port():
    commands = _make_run(PORT="5057", HOST="192.168.1.20")
    assert "PUBLIC_BASE_URL=http://192.168.1.20:5057 " in commands
    assert "--host 192.168.1.20 --port 5057" in commands


def test_make_run_keeps_a_public_address_that_is_set():
    commands = _make_run(PORT="5057", PUBLIC_BASE_URL="https://reemploi.example.org")
    assert "PUBLIC_BASE_URL=https://reemploi.example.org " in commands


def test_demo_reset_refuses_a_database_with_more_than_the_demo(runner, make_user, db_session):
    make_user("workshop", email=f"atelier1@{EMAIL_DOMAIN}")
    make_user("coordinator", email="claire@ville.example")
    result = runner.invoke(args=["demo-reset", "--yes"])
    assert result.exit_code == 1 and "claire@ville.example" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_demo_reset_asks_first_then_empties_and_reloads(runner, make_user, db_session, monkeypatch):
    import reuse_tracker.demo as demo_module

    make_user("workshop", email=f"atelier1@{EMAIL_DOMAIN}")
    loaded = []
    monkeypatch.setattr(
        demo_module, "demo", click.Command("demo", callback=lambda: loaded.append(1))
    )
    result = runner.invoke(args=["demo-reset"], input="n\n")
    assert result.exit_code == 1 and not loaded
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    result = runner.invoke(args=["demo-reset"], input="y\n")
    assert result.exit_code == 0, result.output
    assert loaded == [1]
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
