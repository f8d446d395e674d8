"""An import killed midway (kill -9 after its devices are written, before the commit) leaves
nothing: no donation, no device, no event, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor

ROOT = Path(__file__).resolve().parents[2]

#: The import, in a process of its own: it says when the devices are written, then waits.
CHILD = """
import sys
import sqlalchemy as sa
from reuse_tracker import create_app
from reuse_tracker.extensions import db
from reuse_tracker.intake import services

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x"})
with app.app_context():
    def written(conn, cursor, statement, parameters, context, executemany):
        if "device_events" in statement:
            print("written", flush=True)
            sys.stdin.readline()  # killed here, with the transaction open
    sa.event.listen(db.engine, "after_cursor_execute", written)
    rows = [{"type": "laptop", "brand": "Dell", "model": "E7470", "serial": f"KILL-{i:04d}"}
            for i in range(500)]
    services.register_donation({"name": "Tué en route"}, "2025-03-14", rows, actor=None)
    db.session.commit()
"""


def test_an_import_killed_before_its_commit_leaves_nothing(app_ctx, database_url):
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, database_url],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "SECRET_KEY": "x"},
    ) as child:
        try:
            assert child.stdout.readline().strip() == "written"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    db.session.expire_all()
    for model in (Donor, Donation, Device, DeviceEvent):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model
