"""The action service: every change of a device's state goes through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from reuse_tracker.auth.models import Role, User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices import lifecycle
from reuse_tracker.devices.lifecycle import Status, WorkshopEvent
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import ConflictError, NotFoundError, PermissionDenied
from reuse_tracker.extensions import db

#: Actions the core performs on its own; the others need a feature's handler.
CORE_ACTIONS = frozenset(
    {
        "start_reconditioning",
        "record_erasure",
        "record_diagnostics",
        "grade",
        "mark_ready",
        "harvest",
        "recycle",
    }
)

Handler = Callable[[Device, dict[str, Any], User | None], None]


@dataclass
class _Registration:
    fields: tuple[action_fields.Field, ...]
    handler: Handler | None


_registry: dict[str, _Registration] = {}

#: Roles (besides admin) that may perform each action.
ACTION_ROLES: dict[str, tuple[str, ...]] = dict.fromkeys(
    CORE_ACTIONS, (Role.COORDINATOR, Role.WORKSHOP)
)


def register_action(
    action: str,
    fields: Sequence[action_fields.Field] = (),
    handler: Handler | None = None,
    roles: Sequence[str] = (Role.COORDINATOR, Role.WORKSHOP),
) -> None:
    """Let a feature take part in ``action``: its fields, and a handler run before the event.

    The handler may refuse (raise a UserError) or enrich the event's payload
    (mutate the dict it receives); it runs in the action's transaction.
    """
    if action not in lifecycle.TRANSITIONS:
        raise ValueError(f"unknown action {action}")
    action_fields.ACTION_FIELDS[action] = tuple(fields) or action_fields.fields_for(action)
    _registry[action] = _Registration(tuple(fields), handler)
    ACTION_ROLES[action] = tuple(roles)


def may_perform(user: User | None, action: str) -> bool:
    """Tell whether ``user``'s role allows ``action``."""
    return user is not None and user.has_role(*ACTION_ROLES.get(action, ()))


def available_actions() -> list[str]:
    """List the actions this installation can perform, in lifecycle order."""
    return [a for a in lifecycle.ACTIONS if a in CORE_ACTIONS or a in _registry]


def allowed_actions(device: Device) -> list[str]:
    """List the actions allowed now on ``device``."""
    return lifecycle.allowed_actions(device.status, among=available_actions())


def get_device(asset_tag: str, *, for_update: bool = False) -> Device:
    """Return the device with this tag (case-insensitive), or raise NotFoundError."""
    tag = normalise_tag(asset_tag)
    statement = sa.select(Device).where(Device.asset_tag == tag)
    device = db.session.scalar(statement)
    if device is None:
        raise NotFoundError(_l("No device has the tag %(tag)s.", tag=asset_tag.strip()[:40]))
    return device


def normalise_tag(raw: str) -> str:
    """Return a scanned or typed tag as stored: trimmed and upper-case."""
    return raw.strip().upper()


def perform(
    device: Device,
    action: str,
    data: Mapping[str, Any] | None = None,
    *,
    actor: User | None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> DeviceEvent:
    """Perform ``action`` on ``device``: check, append the event, move the state; flush.

    Raises NotFoundError for an unknown action, ValidationError for bad fields,
    ConflictError when the action is not allowed now or the device changed.
    ``at`` dates the event (default: now); only loaders of past records (the demo) pass it.
    """
    if action not in available_actions():
        raise NotFoundError(_l("Unknown action: %(action)s.", action=action))
    if actor is not None and not may_perform(actor, action):
        raise PermissionDenied(_l("Your role does not allow this action."))
    payload = action_fields.validate(action, data)
    if expected_version is not None and expected_version != device.version:
        raise _stale(device)
    if not lifecycle.is_allowed(action, device.status):
        raise ConflictError(
            _l(
                "%(action)s is not possible: the device %(tag)s is %(status)s.",
                action=action_title(action),
                tag=device.asset_tag,
                status=status_title(device.status),
            )
        )
    _check_guards(device, action)
    registration = _registry.get(action)
    if registration and registration.handler:
        registration.handler(device, payload, actor)
    return _append(device, action, payload, actor, at)


def _append(
    device: Device, action: str, payload: dict, actor: User | None, at: datetime | None = None
) -> DeviceEvent:
    from_status = device.status
    to_status = lifecycle.next_status(action, from_status).value
    event = DeviceEvent(
        device_id=device.id,
        seq=device.version + 1,
        action=action,
        from_status=from_status,
        to_status=to_status,
        payload=payload,
        actor_id=actor.id if actor else None,
        created_at=at or utcnow(),
    )
    _project(device, action, payload)
    if to_status != from_status:
        device.status = to_status
        device.status_changed_at = event.created_at
    else:
        # The version must move even when the state stays, so races still conflict.
        sa.orm.attributes.flag_modified(device, "status")
    db.session.add(event)
    conflict = _stale(device)  # built now: a failed flush leaves the device unreadable
    try:
        db.session.flush()
    except (StaleDataError, sa.exc.IntegrityError) as error:
        # The caller (or the error handler) rolls the session back.
        raise conflict from error
    return event


def _project(device: Device, action: str, payload: Mapping[str, Any]) -> None:
    """Copy what the device page shows from the event onto the device."""
    if action == "grade":
        device.grade = payload["grade"]
        device.os = payload.get("os") or device.os


def _stale(device: Device) -> ConflictError:
    return ConflictError(
        _l(
            "The device %(tag)s was changed by someone else meanwhile. Reload it and try again.",
            tag=device.asset_tag,
        )
    )


def _check_guards(device: Device, action: str) -> None:
    if action != "mark_ready":
        return
    missing = missing_codes(device)
    if missing:
        raise ConflictError(
            _l("%(tag)s cannot be marked ready yet.", tag=device.asset_tag),
            {"mark_ready": ", ".join(guard_message(code) for code in missing)},
        )


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


def missing_codes(device: Device) -> list[str]:
    """List the codes of what the device lacks to be marked ready (see GUARD_MESSAGES)."""
    if device.status != Status.IN_WORKSHOP:
        return []
    return lifecycle.missing_for_ready(
        workshop_events(device), has_storage=device.type not in lifecycle.TYPES_WITHOUT_STORAGE
    )


def missing_for_ready(device: Device) -> list[str]:
    """Explain, in the user's language, what the device lacks to be marked ready."""
    return [guard_message(code) for code in missing_codes(device)]


def guard_message(code: str) -> str:
    return str(GUARD_MESSAGES[code])


#: The action that fills each gap the readiness guards find.
FIXED_BY = {
    "erasure": "record_erasure",
    "erasure_failed": "record_erasure",
    "diagnostics": "record_diagnostics",
    "diagnostics_failed": "record_diagnostics",
    "grade": "grade",
}


@dataclass(frozen=True)
class NextSteps:
    """What a user may do now with a device, what it lacks to be ready, and the likely next step."""

    actions: list[str]
    missing: list[str]
    suggested: str | None


def next_steps(device: Device, user: User | None) -> NextSteps:
    """Return the actions ``user`` may perform now, the readiness gaps and the suggested one."""
    actions = [a for a in allowed_actions(device) if may_perform(user, a)]
    missing = missing_codes(device) if "mark_ready" in actions else []
    return NextSteps(actions, missing, suggested_action(actions, missing))


def suggested_action(actions: Sequence[str], missing: Sequence[str]) -> str | None:
    """Return the action a technician most likely wants next among ``actions``."""
    if "mark_ready" in actions:
        return FIXED_BY[missing[0]] if missing else "mark_ready"
    return actions[0] if actions else None


def events_of(device: Device) -> list[DeviceEvent]:
    """Return the device's whole history, oldest first, with each actor loaded."""
    return list(
        db.session.scalars(
            sa.select(DeviceEvent)
            .where(DeviceEvent.device_id == device.id)
            .options(sa.orm.joinedload(DeviceEvent.actor))
            .order_by(DeviceEvent.seq)
        )
    )


def check_integrity(batch_size: int = 5000) -> Iterable[tuple[str, str, str]]:
    """Replay every log; yield (tag, stored state, replayed state or error) on a mismatch."""
    from itertools import groupby

    statement = (
        sa.select(
            Device.asset_tag, Device.status, Device.version, DeviceEvent.seq, DeviceEvent.action
        )
        .join(DeviceEvent, DeviceEvent.device_id == Device.id, isouter=True)
        .order_by(Device.id, DeviceEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    rows = db.session.execute(statement)
    for (tag, status, version), group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        events = [(seq, action) for *_, seq, action in group if seq is not None]
        problem = _replay_problem(status, version, events)
        if problem:
            yield tag, status, problem


def _replay_problem(status: str, version: int, events: list[tuple[int, str]]) -> str | None:
    if [seq for seq, _ in events] != list(range(1, len(events) + 1)):
        return "event sequence has gaps"
    if len(events) != version:
        return f"version {version} but {len(events)} events"
    try:
        replayed = lifecycle.replay(action for _, action in events)
    except lifecycle.TransitionRefused as refused:
        return f"log refused at {refused.action} from {refused.status}"
    return None if replayed == status else str(replayed)


ACTION_TITLES = {
    "intake": _l("Intake"),
    "start_reconditioning": _l("Start reconditioning"),
    "record_erasure": _l("Record data erasure"),
    "record_diagnostics": _l("Record diagnostics"),
    "grade": _l("Grade"),
    "install_part": _l("Install a part"),
    "harvest_part": _l("Harvest a part"),
    "mark_ready": _l("Mark ready"),
    "reserve": _l("Reserve for a family"),
    "cancel_reservation": _l("Cancel reservation"),
    "hand_over": _l("Hand over"),
    "return": _l("Record return"),
    "report_lost": _l("Report lost"),
    "transfer": _l("Transfer ownership"),
    "harvest": _l("Harvest for parts"),
    "recycle": _l("Send to recycling (WEEE)"),
}

STATUS_TITLES = {
    "received": _l("received"),
    "in_workshop": _l("in the workshop"),
    "ready": _l("ready"),
    "reserved": _l("reserved"),
    "on_loan": _l("on loan"),
    "returned": _l("returned"),
    "lost": _l("lost"),
    "transferred": _l("transferred"),
    "harvested": _l("harvested"),
    "recycled": _l("recycled"),
}

GUARD_MESSAGES = {
    "erasure": _l("no verified data erasure recorded since it entered the workshop"),
    "erasure_failed": _l("the latest erasure of a storage failed or was not verified"),
    "diagnostics": _l("no diagnostics recorded"),
    "diagnostics_failed": _l("the latest diagnostics failed"),
    "grade": _l("no cosmetic grade"),
}


def action_title(action: str) -> str:
    return str(ACTION_TITLES.get(action, action))


def status_title(status: str | None) -> str:
    return str(STATUS_TITLES.get(status or "", status or ""))
