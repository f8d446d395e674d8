"""The scan station's reads and writes: what a scanned code names, and batches done once."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.auth.models import User
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device, DeviceEvent, folded_key
from reuse_tracker.devices.registration import serial_key
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop.models import ScanBatchEntry

#: The most devices offered to choose from when a serial or inventory number is shared.
MAX_CHOICES = 10


def devices_for_code(code: str) -> list[Device]:
    """Return the devices a scanned or typed ``code`` names: its tag, else its serial or
    donor's inventory number (exact once folded); raise NotFoundError when none does."""
    text = (code or "").strip()
    if not text or len(text) > 300:
        raise ValidationError(_l("Scan a label, or type a tag, a serial or an inventory number."))
    tag = scanned_tag(text)
    if tag is not None:
        device = services.find_device(tag)
        if device is not None:
            return [device]
    key = serial_key(text)
    found = list(
        db.session.scalars(
            sa.select(Device)
            .where(sa.or_(Device.serial_key == key, folded_key(Device.donor_asset_number) == key))
            .order_by(Device.id)
            .limit(MAX_CHOICES + 1)
        )
    )
    if not found:
        raise NotFoundError(
            _l(
                "No device has the label, serial or inventory number “%(code)s”.",
                code=text[:60],
            )
        )
    return found


def done_in_batch(batch_key: str, device: Device, action: str) -> bool:
    """Tell whether this batch already recorded ``action`` on ``device``."""
    return (
        db.session.get(ScanBatchEntry, (batch_key, device.id, action)) is not None
        if batch_key
        else False
    )


def perform_in_batch(
    batch_key: str,
    device: Device,
    action: str,
    data: dict,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> DeviceEvent:
    """Perform ``action`` and note it in the batch, in one transaction; flush.

    The batch's primary key refuses a second entry for the same device, so two scans
    racing each other still record the action once (the flush fails, the caller rolls back).
    """
    event = services.perform(device, action, data, actor=actor, expected_version=expected_version)
    if batch_key:
        db.session.add(
            ScanBatchEntry(
                batch_key=batch_key[:64], device_id=device.id, action=action, event_id=event.id
            )
        )
        db.session.flush()
    return event
