"""``flask backup`` while a server writes: the copy, restored as the README says, passes integrity.

A database built with ``flask db upgrade`` is served by gunicorn; a writer thread takes devices
in and moves them through the JSON API without pause. ``flask backup`` runs in the middle of
the writes (at least WRITES acknowledged before it starts, and as many after it ends). The copy
is restored into a new database (SQLite: the file in place of the database; PostgreSQL:
``pg_restore --no-owner``), upgraded, and ``flask integrity`` passes on it: it holds every
write acknowledged before the backup started, and no half-written state change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, new_database, unavailable
from tests.servers import ROOT, gunicorn

#: Writes acknowledged before the backup starts, and again after it ends.
WRITES = 30
EMAIL = "sauvegarde@example.org"


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``flask --app reuse_tracker *args`` on the database at ``url``."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "reuse_tracker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@dataclass
class Writer:
    """Takes a device in, then starts its reconditioning and recycles it; again and again."""

    base: str
    token: str
    #: (moment the answer came, asset tag, version the answer gave), in order.
    acknowledged: list[tuple[float, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def run(self) -> None:
        number = 0
        while not self.stop.is_set() and not self.failures:
            number += 1
            donation = self._post(
                "/donations",
                {
                    "donor": {"name": "Donateur de la sauvegarde"},
                    "received_on": "2026-03-02",
                    "devices": [
                        {
                            "type": "laptop",
                            "brand": "Dell",
                            "model": "E7470",
                            "serial": f"BK{number}",
                        }
                    ],
                },
            )
            if donation is None:
                return
            tag = donation["devices"][0]["asset_tag"]
            self._acknowledge(tag, 1)
            for action, body in (
                ("start_reconditioning", {}),
                ("recycle", {"weight_kg": "2.1", "channel": "ecosystem"}),
            ):
                device = self._post(f"/devices/{tag}/actions/{action}", body)
                if device is None:
                    return
                self._acknowledge(tag, device["version"])

    def wait_for(self, count: int) -> None:
        """Wait until ``count`` writes are acknowledged (or the writer failed)."""
        with self.changed:
            reached = self.changed.wait_for(
                lambda: len(self.acknowledged) >= count or self.failures, timeout=300
            )
        assert reached and not self.failures, self.failures

    def _acknowledge(self, tag: str, version: int) -> None:
        with self.changed:
            self.acknowledged.append((time.monotonic(), tag, version))
            self.changed.notify_all()

    def _post(self, path: str, body: dict) -> dict | None:
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}",
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.loads(answer.read())
        except (urllib.error.URLError, OSError) as error:
            detail = (
                error.read().decode()[:500] if isinstance(error, urllib.error.HTTPError) else ""
            )
            with self.changed:
                self.failures.append(f"{path}: {error} {detail}")
                self.changed.notify_all()
            return None


def _restore(kind: str, backup, target: str) -> None:
    """Restore as the README's "Running in production" says."""
    if kind == "sqlite":
        shutil.copyfile(backup, sa.make_url(target).database)
        return
    dsn = sa.make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(
        ["pg_restore", "--no-owner", "--dbname", dsn, str(backup)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_taken_while_a_server_writes_restores_whole(kind, tmp_path):
    if kind == "postgresql":
        missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
        if missing:
            unavailable(f"{', '.join(missing)} not installed (apt-get install postgresql-client)")
    backup = tmp_path / "reuse.backup"
    with new_database(kind, tmp_path / "live.sqlite") as live:
        _ok(flask(live, "db", "upgrade"))
        _ok(flask(live, "users", "create", EMAIL, "--role", "coordinator", "--password", PASSWORD))
        token = _ok(flask(live, "tokens", "create", EMAIL)).strip().splitlines()[-1]
        with gunicorn(live, tmp_path / "gunicorn.log") as base:
            writer = Writer(base, token)
            thread = threading.Thread(target=writer.run, daemon=True)
            thread.start()
            try:
                writer.wait_for(WRITES)
                started = time.monotonic()
                result = flask(live, "backup", str(backup))
                writer.wait_for(len(writer.acknowledged) + WRITES)
            finally:
                writer.stop.set()
                thread.join(timeout=120)
        _ok(result)
        assert not writer.failures, writer.failures

    before = {}
    for moment, tag, version in writer.acknowledged:
        if moment < started:
            before[tag] = version
    with new_database(kind, tmp_path / "restored.sqlite") as restored:
        _restore(kind, backup, restored)
        _ok(flask(restored, "db", "upgrade"))
        checked = flask(restored, "integrity")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Every device matches its event log." in checked.stdout
        engine = sa.create_engine(restored)
        try:
            with engine.connect() as connection:
                rows = connection.execute(sa.text("SELECT asset_tag, version FROM devices"))
                versions = {tag: version for tag, version in rows}
        finally:
            engine.dispose()
    # Every write acknowledged before the backup began is in the copy (later ones may be).
    late = {tag: v for tag, v in before.items() if versions.get(tag, 0) < v}
    assert not late, late
    assert len(versions) < len({tag for _, tag, _ in writer.acknowledged})  # taken mid-way
