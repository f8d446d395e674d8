"""What a device still lacks to be marked ready: the one rule every surface calls.

The action service's ``mark_ready`` guard, the device page, the API's ``allowed_actions``
and ``missing_for_ready``, the scan station and the workshop board all ask ``missing_codes``;
the rule itself is the pure ``lifecycle.missing_for_ready`` over the events since the device
last entered the workshop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from reuse_tracker.devices import lifecycle
from reuse_tracker.devices.lifecycle import Status, WorkshopEvent
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

GUARD_MESSAGES = {
    "erasure": _l("no verified data erasure recorded since it entered the workshop"),
    "erasure_failed": _l("the latest erasure of a storage failed or was not verified"),
    "diagnostics": _l("no diagnostics recorded"),
    "diagnostics_failed": _l("the latest diagnostics failed"),
    "grade": _l("no cosmetic grade"),
}

#: The action that fills each gap the readiness guards find.
FIXED_BY = {
    "erasure": "record_erasure",
    "erasure_failed": "record_erasure",
    "diagnostics": "record_diagnostics",
    "diagnostics_failed": "record_diagnostics",
    "grade": "grade",
}


def has_storage(device_type: str) -> bool:
    """Tell whether devices of this type hold user data (and so need an erasure)."""
    return device_type not in lifecycle.TYPES_WITHOUT_STORAGE


def workshop_events(device: Device) -> list[WorkshopEvent]:
    """Return the events since the device last entered the workshop."""
    entered = (
        sa.select(sa.func.max(DeviceEvent.seq))
        .where(DeviceEvent.device_id == device.id, DeviceEvent.action == "start_reconditioning")
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(DeviceEvent.action, DeviceEvent.payload)
        .where(DeviceEvent.device_id == device.id, DeviceEvent.seq > sa.func.coalesce(entered, 0))
        .order_by(DeviceEvent.seq)
    )
    return [WorkshopEvent(action, payload or {}) for action, payload in rows]


def gap_after(
    device: Device, action: str, payload: Mapping[str, Any], to_status: str
) -> str | None:
    """Return ``Device.readiness_gap`` once ``action`` is recorded: what it lacks first.

    Called by the action service before the event is written: the events since the device
    entered the workshop, then this one (none when it enters now).
    """
    if to_status != Status.IN_WORKSHOP:
        return None
    events = []
    if action != "start_reconditioning":
        with db.session.no_autoflush:  # the device's pending change is not written yet
            events = workshop_events(device)
        events.append(WorkshopEvent(action, payload))
    return lifecycle.readiness_gap(events, has_storage=has_storage(device.type))


def missing_codes(device: Device) -> list[str]:
    """List the codes of what a device in the workshop lacks to be marked ready (else none)."""
    if device.status != Status.IN_WORKSHOP:
        return []
    events = workshop_events(device)
    return lifecycle.missing_for_ready(events, has_storage=has_storage(device.type))


def guard_message(code: str) -> str:
    """Return the reason behind a readiness code, in the user's language."""
    return str(GUARD_MESSAGES[code])


def missing_for_ready(device: Device) -> list[str]:
    """Explain, in the user's language, what the device lacks to be marked ready."""
    return [guard_message(code) for code in missing_codes(device)]


def require_ready(device: Device) -> None:
    """``mark_ready``'s guard: refuse while the device lacks anything."""
    missing = missing_codes(device)
    if missing:
        raise ConflictError(
            _l("%(tag)s cannot be marked ready yet.", tag=device.asset_tag),
            {"mark_ready": ", ".join(guard_message(code) for code in missing)},
            {"mark_ready": _l("Still to do")},
        )
