"""Shared data for the workshop tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import sqlalchemy as sa

from reuse_tracker import csv_export
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db

DATA = Path(__file__).parent / "data"
#: Real logs of each nwipe release, by version (README.md in each folder says how they were made).
CORPUS = DATA / "nwipe"

ERASED = {
    "method": "clear",
    "technique": "overwrite",
    "tool": "nwipe",
    "tool_version": "0.34",
    "verification": "full",
    "result": "passed",
}
FAILED = {**ERASED, "result": "failed"}
UNVERIFIED = {**ERASED, "verification": "none"}
DESTROYED = {
    "method": "destroy",
    "technique": "physical_destruction",
    "tool": "Broyeur",
    "verification": "none",
    "result": "passed",
}
DIAGNOSED = {"result": "passed", "checks": {"power": "passed", "screen": "passed"}}
GRADED = {"grade": "B", "os": "Ubuntu 20.04 LTS", "image_version": "atelier-2021.03"}


def log(name: str) -> bytes:
    """Return a real nwipe log of the corpus: ``"0.42/zero_verify_last.log"``."""
    return (CORPUS / name).read_bytes()


def corpus_text(name: str) -> str:
    return log(name).decode("utf-8")


def english(client) -> None:
    """Show the pages in English, whatever catalogs exist."""
    client.post("/lang/en")


def act(device: Device, action: str, data: dict | None = None, actor=None):
    """Perform an action through the service and commit, as a view would."""
    event = services.perform(device, action, data or {}, actor=actor)
    db.session.commit()
    return event


def events(device: Device, action: str | None = None) -> list[DeviceEvent]:
    statement = sa.select(DeviceEvent).where(DeviceEvent.device_id == device.id)
    if action:
        statement = statement.where(DeviceEvent.action == action)
    return list(db.session.scalars(statement.order_by(DeviceEvent.seq)))


def reload(device: Device) -> Device:
    db.session.expire_all()
    return db.session.get(Device, device.id)


def weee_register(client, **period) -> list[list[str]]:
    """The WEEE register of ``period`` as its CSV download reads (BOM first, semicolons)."""
    response = client.get("/workshop/weee.csv", query_string=period)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith(csv_export.BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
