"""Counts of devices by state and type, read from the summary the action service keeps."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.devices import counts
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, Device, DeviceEvent
from reuse_tracker.extensions import db


def counts_by_status_and_type() -> dict[str, dict[str, int]]:
    """Return {status: {type: count}} with every status and type present."""
    table = {status.value: dict.fromkeys(DEVICE_TYPES, 0) for status in Status}
    for status, kind, count in counts.read():  # the summary: a few rows whatever the size
        table.setdefault(status, dict.fromkeys(DEVICE_TYPES, 0))[kind] = count
    return table


def dashboard_figures() -> dict:
    """Return what the dashboard shows: the status × type table and recent activity."""
    table = counts_by_status_and_type()
    by_status = {status: sum(types.values()) for status, types in table.items()}
    by_type = {kind: sum(types[kind] for types in table.values()) for kind in DEVICE_TYPES}
    recent = db.session.execute(
        sa.select(
            DeviceEvent.action,
            DeviceEvent.created_at,
            Device.asset_tag,
            Device.type,
            Device.brand,
            Device.model,
        )
        .join(Device, Device.id == DeviceEvent.device_id)
        .order_by(DeviceEvent.id.desc())
        .limit(12)
    ).all()
    return {
        "table": table,
        "by_status": by_status,
        "by_type": by_type,
        "total": sum(by_status.values()),
        "recent": recent,
    }
