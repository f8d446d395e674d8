"""Devices, donations and stock as the JSON the API answers.

Features add their own parts to the device answer through
``features.add_device_section`` (the loans feature provides ``current_loan``), so
this module never imports them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from reuse_tracker.auth.models import User
from reuse_tracker.devices import readiness, services
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.intake.models import Donation, Donor

DEVICE_COLUMNS = (
    "asset_tag",
    "type",
    "brand",
    "model",
    "serial",
    "donor_asset_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "year",
    "weight_kg",
    "grade",
    "os",
    "status",
    "version",
)


#: Parts of the device answer the core builds; features may not take these names.
CORE_SECTIONS = frozenset(
    {*DEVICE_COLUMNS, "donation", "allowed_actions", "events", "missing_for_ready"}
)


def _plain(value: Any) -> Any:
    """Return a column value as JSON can carry it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def device(device: Device, user: User | None) -> dict[str, Any]:
    """Return the device with its donation, the caller's next actions and its history."""
    answer = {name: _plain(getattr(device, name)) for name in DEVICE_COLUMNS}
    donation = device.donation
    answer["donation"] = {"id": donation.id, "reference": donation.reference}
    answer["allowed_actions"] = services.next_steps(device, user).actions
    if device.status == Status.IN_WORKSHOP:
        answer["missing_for_ready"] = missing_for_ready(device)
    answer["events"] = [event(item) for item in services.events_of(device)]
    for name, (provide, _default) in registry().device_sections.items():
        if name in CORE_SECTIONS:
            raise ValueError(f"{name} is a core part of the device answer")
        answer[name] = provide(device, user)
    return answer


def missing_for_ready(device: Device) -> list[dict[str, str]]:
    """List what the device lacks to be marked ready: a stable code and a message."""
    return [
        {"code": code, "message": readiness.guard_message(code)}
        for code in readiness.missing_codes(device)
    ]


def event(event: DeviceEvent) -> dict[str, Any]:
    """Return one entry of a device's history."""
    actor = event.actor
    return {
        "seq": event.seq,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "payload": event.payload or {},
        "actor": {"id": actor.id, "name": actor.name} if actor else None,
        "created_at": event.created_at.isoformat(),
    }


def donation(donation: Donation) -> dict[str, Any]:
    """Return a donation, its donor and its devices in the order they were sent."""
    donor: Donor = donation.donor
    rows = db.session.execute(
        sa.select(
            Device.asset_tag,
            Device.serial,
            Device.type,
            Device.brand,
            Device.model,
            Device.donor_asset_number,
            Device.status,
        )
        .where(Device.donation_id == donation.id)
        .order_by(Device.id)
    )
    return {
        "id": donation.id,
        "reference": donation.reference,
        "received_on": donation.received_on.isoformat(),
        "notes": donation.notes,
        "donor": {"id": donor.id, "name": donor.name, "kind": donor.kind, "siret": donor.siret},
        "devices": [row._asdict() for row in rows],
    }


def stock(table: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Return the status × type table with its totals."""
    by_status = {status: sum(types.values()) for status, types in table.items()}
    by_type = {kind: sum(types.get(kind, 0) for types in table.values()) for kind in DEVICE_TYPES}
    return {
        "by_status": by_status,
        "by_type": by_type,
        "table": table,
        "total": sum(by_status.values()),
    }
