"""``correct_details``: a typo in a device's serial, model or specs, corrected as an event.

The event keeps each corrected value's old and new forms, so the history says what was
there before and the log stays the only truth of how a device's details came to be.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from reuse_tracker.devices.fields import Field
from reuse_tracker.devices.registration import SPEC_LIMITS, TEXT_LIMITS, serial_key
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User
    from reuse_tracker.devices.models import Device


def _text(name: str, label) -> Field:
    return Field(name, label, max_length=TEXT_LIMITS.get(name, 120))


def _number(name: str, label, kind: str = "int") -> Field:
    low, high = SPEC_LIMITS[name]
    cleaner = _hundredths if kind == "decimal" else None
    return Field(name, label, kind=kind, minimum=low, maximum=high, cleaner=cleaner)


def _hundredths(value: float) -> float:
    """Round to the hundredth the column keeps, as intake does: the event says what is stored."""
    return float(Decimal(str(value)).quantize(Decimal("0.01")))


#: The details a correction may change, in the order the form shows them.
CORRECTABLE = (
    _text("serial", _l("Serial")),
    _text("brand", _l("Brand")),
    _text("model", _l("Model")),
    _text("cpu", _l("Processor")),
    _number("ram_gb", _l("Memory (GB)")),
    _number("storage_gb", _l("Storage (GB)")),
    _number("year", _l("Year")),
    _number("weight_kg", _l("Weight (kg)"), "decimal"),
    _text("donor_asset_number", _l("Donor's asset number")),
)
FIELDS = (
    *CORRECTABLE,
    Field(
        "reason", _l("Reason for the correction"), kind="longtext", required=True, max_length=500
    ),
)
#: Details a device must always have: a correction cannot empty them.
REQUIRED_DETAILS = frozenset({"serial", "brand", "model"})


def _comparable(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "weight_kg":
        return float(Decimal(str(value)))
    return value


def apply_correction(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Change the device's details; keep each old and new value in the event's payload."""
    changes: dict[str, dict[str, Any]] = {}
    for field in CORRECTABLE:
        if field.name not in payload:
            continue
        new = payload[field.name]
        old = _comparable(field.name, getattr(device, field.name))
        if new != old:
            changes[field.name] = {"old": old, "new": new}
    if not changes:
        raise ValidationError(
            _l("Nothing to correct: the values given are the device's current ones."),
            {"reason": str(_l("change at least one detail"))},
            {"reason": str(FIELDS[-1].label)},
        )
    if "serial" in changes:
        _refuse_taken_serial(device, changes["serial"]["new"])
    for name, change in changes.items():
        value = change["new"]
        setattr(device, name, Decimal(str(value)) if name == "weight_kg" else value)
    if "serial" in changes:
        device.serial_key = serial_key(device.serial)
    reason = payload["reason"]
    payload.clear()
    payload.update({"changes": changes, "reason": reason})


def _refuse_taken_serial(device: Device, serial: str) -> None:
    from reuse_tracker.devices.models import Device as DeviceModel

    other = db.session.scalar(
        sa.select(DeviceModel.asset_tag).where(
            DeviceModel.serial_key == serial_key(serial), DeviceModel.id != device.id
        )
    )
    if other:
        raise ValidationError(
            _l("Some fields are missing or invalid."),
            {"serial": str(_l("serial already registered as %(tag)s", tag=other))},
            {"serial": str(_l("Serial"))},
        )


def current_values(device: Device) -> dict[str, str]:
    """Return the device's correctable details as a form shows them, to edit in place."""
    values = {}
    for field in CORRECTABLE:
        value = getattr(device, field.name)
        values[field.name] = "" if value is None else str(value)
    return values
