"""The ``intake`` action: new devices enter the register, in bulk, with their first event."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from reuse_tracker import sequences
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, Device, DeviceEvent
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db

TYPE_TITLES = {
    "laptop": _l("laptop"),
    "desktop": _l("desktop"),
    "monitor": _l("monitor"),
    "tablet": _l("tablet"),
    "smartphone": _l("smartphone"),
}


@dataclass(frozen=True)
class DeviceSpec:
    """What intake records of one device."""

    type: str
    brand: str
    model: str
    serial: str
    donor_asset_number: str | None = None
    cpu: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    year: int | None = None
    weight_kg: Decimal | None = None
    #: A pre-printed tag to attach instead of allocating a new one.
    asset_tag: str | None = None


def serial_key(serial: str) -> str:
    """Return a serial reduced to what tells two serials apart."""
    return re.sub(r"[\s\-_./]", "", serial).upper()


SPEC_LIMITS = {"ram_gb": (0, 4096), "storage_gb": (0, 1_000_000), "year": (1980, 2100),
               "weight_kg": (0, 200)}
TEXT_LIMITS = {"brand": 80, "model": 120, "serial": 80, "donor_asset_number": 80, "cpu": 120}


def clean_device(raw: Mapping[str, Any]) -> tuple[DeviceSpec | None, dict[str, str]]:
    """Check one device's fields; return the spec or the errors by field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    kind = str(raw.get("type") or "").strip().lower()
    if not kind:
        errors["type"] = str(_l("is required"))
    elif kind not in DEVICE_TYPES:
        errors["type"] = str(_l("unknown type %(value)s (expected one of: %(allowed)s)",
                                value=kind[:30], allowed=", ".join(DEVICE_TYPES)))
    values["type"] = kind
    for name, limit in TEXT_LIMITS.items():
        text = str(raw.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = str(_l("must be at most %(n)s characters", n=limit))
        values[name] = text or None
    for name in ("brand", "model", "serial"):
        if not values[name] and name not in errors:
            errors[name] = str(_l("is required"))
    for name, (low, high) in SPEC_LIMITS.items():
        values[name], error = _number(raw.get(name), low, high, decimal=name == "weight_kg")
        if error:
            errors[name] = error
    if errors:
        return None, errors
    return DeviceSpec(**values), {}


def _number(raw: Any, low: int, high: int, *, decimal: bool) -> tuple[Any, str | None]:
    text = str(raw if raw is not None else "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None, None
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None, str(_l("must be a number"))
    if not number.is_finite() or not (low <= number <= high):
        return None, str(_l("must be between %(low)s and %(high)s", low=low, high=high))
    if decimal:
        return number.quantize(Decimal("0.01")), None
    if number != number.to_integral_value():
        return None, str(_l("must be a whole number"))
    return int(number), None


def check_devices(rows: Sequence[Mapping[str, Any]], row_label=None) -> list[DeviceSpec]:
    """Check every row and the serials against each other and the stock; raise on any error.

    ``row_label(index)`` names a row in messages (a CSV line number, say).
    Nothing is written: the caller imports all the rows or none.
    """
    row_label = row_label or (lambda index: str(_l("device %(n)s", n=index + 1)))
    specs, errors = [], {}
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        spec, row_errors = clean_device(raw)
        for name, message in row_errors.items():
            errors[f"{row_label(index)} · {name}"] = message
        if spec:
            key = serial_key(spec.serial)
            if key in seen:
                errors[f"{row_label(index)} · serial"] = str(_l(
                    "serial %(serial)s appears twice in this batch (also %(other)s)",
                    serial=spec.serial, other=row_label(seen[key])))
            seen.setdefault(key, index)
            specs.append((index, spec))
    errors.update(_already_in_stock(specs, row_label))
    if not rows:
        errors["devices"] = str(_l("at least one device is required"))
    if errors:
        raise ValidationError(_l("%(n)s problem(s) found; nothing was recorded.", n=len(errors)),
                              errors)
    return [spec for _, spec in specs]


def _already_in_stock(specs: list[tuple[int, DeviceSpec]], row_label) -> dict[str, str]:
    keys = {serial_key(spec.serial): index for index, spec in specs}
    errors = {}
    for chunk in _chunks(list(keys), 500):
        rows = db.session.execute(
            sa.select(Device.serial_key, Device.asset_tag).where(Device.serial_key.in_(chunk)))
        for key, tag in rows:
            errors[f"{row_label(keys[key])} · serial"] = str(_l(
                "serial already registered as %(tag)s", tag=tag))
    return errors


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def format_tag(number: int) -> str:
    return f"{current_app.config['ASSET_TAG_PREFIX']}-{number:06d}"


def intake(donation, specs: Sequence[DeviceSpec], actor: User | None) -> list[int]:
    """Register ``specs`` as devices of ``donation``, each with its intake event; flush.

    Uses bulk inserts: one for the devices, one for their events. Returns the new ids.
    """
    now = utcnow()
    tags = _tags_for(specs)
    device_rows = [
        {**asdict(spec), "asset_tag": tag, "serial_key": serial_key(spec.serial),
         "donation_id": donation.id, "status": Status.RECEIVED.value, "version": 1,
         "created_at": now, "status_changed_at": now}
        for spec, tag in zip(specs, tags, strict=True)
    ]
    ids = list(db.session.scalars(
        sa.insert(Device).returning(Device.id, sort_by_parameter_order=True), device_rows))
    actor_id = actor.id if actor else None
    event_rows = [
        {"device_id": device_id, "seq": 1, "action": "intake", "from_status": None,
         "to_status": Status.RECEIVED.value, "actor_id": actor_id, "created_at": now,
         "payload": {"donation": donation.reference, "type": spec.type, "brand": spec.brand,
                     "model": spec.model, "serial": spec.serial}}
        for device_id, spec in zip(ids, specs, strict=True)
    ]
    db.session.execute(sa.insert(DeviceEvent), event_rows)
    return ids


def _tags_for(specs: Sequence[DeviceSpec]) -> list[str]:
    """Return each spec's pre-printed tag, or a newly allocated one."""
    needed = sum(1 for spec in specs if not spec.asset_tag)
    fresh = iter(sequences.allocate("asset_tag", needed)) if needed else iter(())
    return [spec.asset_tag or format_tag(next(fresh)) for spec in specs]
