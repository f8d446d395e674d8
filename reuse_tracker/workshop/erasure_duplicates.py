"""Where a log, or a disk, was filed before: on another device, the technician should look twice.

One query over the erasure records of the other devices: the index on (action, created_at)
narrows it to ``record_erasure`` events, whose payload holds ``log_sha256`` (the SHA-256 of
the uploaded file) and ``storage_serial``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l


def earlier_filings(device: Device, digest: str, serials: Sequence[str]) -> list[dict[str, str]]:
    """Warn of the other devices that hold this log, or one of these disks, in their records."""
    sha = DeviceEvent.payload["log_sha256"].as_string()
    serial = DeviceEvent.payload["storage_serial"].as_string()
    rows = db.session.execute(
        sa.select(Device.asset_tag, sha, serial)
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(
            DeviceEvent.action == "record_erasure",
            DeviceEvent.device_id != device.id,
            sa.or_(sha == digest, serial.in_(list(serials))),
        )
        .order_by(DeviceEvent.id)
    ).all()
    same_log = list(dict.fromkeys(tag for tag, log_sha, _ in rows if log_sha == digest))
    warnings = [same_log_warning(tag) for tag in same_log]
    same_disk = dict.fromkeys(
        (tag, disk) for tag, _, disk in rows if disk in serials and tag not in same_log
    )
    return warnings + [same_disk_warning(tag, disk) for tag, disk in same_disk]


def same_log_warning(tag: str) -> dict[str, str]:
    message = _l(
        "This log was already filed on device %(tag)s: check that it is the log of this device.",
        tag=tag,
    )
    return {"code": "same_log", "device": tag, "message": str(message)}


def same_disk_warning(tag: str, serial: str) -> dict[str, str]:
    message = _l(
        "The disk %(serial)s is also in the erasure records of device %(tag)s: check that it "
        "was moved from there.",
        serial=serial,
        tag=tag,
    )
    return {"code": "same_disk", "device": tag, "serial": serial, "message": str(message)}
