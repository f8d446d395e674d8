"""The action service: every change of a device's state goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from reuse_tracker import database
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import actions, counts, lifecycle, readiness
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices.actions import action_title
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import ConflictError, NotFoundError, PermissionDenied
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.vocabulary import STATUS_TITLES, title


def allowed_actions(device: Device) -> list[str]:
    """List the actions allowed now on ``device``."""
    return lifecycle.allowed_actions(device.status, among=actions.available_actions())


def get_device(asset_tag: str, *, with_donation: bool = False) -> Device:
    """Return the device with this tag (case-insensitive), or raise NotFoundError.

    ``with_donation`` reads its donation in the same query (the API names it in every answer).
    """
    device = find_device(asset_tag, with_donation=with_donation)
    if device is None:
        raise NotFoundError(_l("No device has the tag %(tag)s.", tag=asset_tag.strip()[:40]))
    return device


def find_device(asset_tag: str, *, with_donation: bool = False) -> Device | None:
    """Return the device with this tag (case-insensitive), or None."""
    return db.session.scalar(_by_tag(with_donation), {"tag": normalise_tag(asset_tag)})


@lru_cache(maxsize=2)
def _by_tag(with_donation: bool) -> sa.Select:
    """The scan's statement, built once (building it cost as much as running it)."""
    statement = sa.select(Device).where(Device.asset_tag == sa.bindparam("tag"))
    return statement.options(sa.orm.joinedload(Device.donation)) if with_donation else statement


def devices_by_tag(asset_tags: Iterable[str]) -> dict[str, Device]:
    """Return the devices with these tags (case-insensitive), by tag as stored.

    One query, for a path that acts on many devices (a wave's 1,000 reservations read their
    devices at once, not one by one). Unknown tags are left out.
    """
    tags = sorted({normalise_tag(tag) for tag in asset_tags})
    rows = database.rows_matching(sa.select(Device), Device.asset_tag, tags)
    return {device.asset_tag: device for (device,) in rows}


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
    spec = actions.spec(action)
    if spec is None or not spec.performable:
        raise NotFoundError(_l("Unknown action: %(action)s.", action=action))
    if actor is not None and not actions.may_perform(actor, action):
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
    for guard in spec.guards:
        guard(device)
    if spec.handler:
        spec.handler(device, payload, actor)
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
    device.readiness_gap = readiness.gap_after(device, action, payload, to_status)
    device.last_event_at = event.created_at
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
    if to_status != from_status:
        counts.moved(device.type, from_status, to_status)
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


@dataclass(frozen=True)
class NextSteps:
    """What a user may do now with a device, what it lacks to be ready, and the likely next step."""

    actions: list[str]
    missing: list[str]
    suggested: str | None


def next_steps(device: Device, user: User | None) -> NextSteps:
    """Return the actions ``user`` may perform now, the readiness gaps and the suggested one.

    ``mark_ready`` is offered only once the readiness rule lets it pass, so every surface
    (the device page, the API's ``allowed_actions``, the scan station) agrees with ``perform``.
    """
    offered = [a for a in allowed_actions(device) if actions.may_perform(user, a)]
    missing = readiness.missing_codes(device) if "mark_ready" in offered else []
    if missing:
        offered.remove("mark_ready")
    return NextSteps(offered, missing, suggested_action(offered, missing))


def suggested_action(offered: Sequence[str], missing: Sequence[str]) -> str | None:
    """Return the action a technician most likely wants next among ``offered``."""
    offered = [a for a in offered if a != "correct_details"]  # a repair, never a next step
    if missing:
        return readiness.FIXED_BY[missing[0]]
    if "mark_ready" in offered:
        return "mark_ready"
    return offered[0] if offered else None


def events_of(device: Device) -> list[DeviceEvent]:
    """Return the device's whole history, oldest first, with each actor loaded."""
    return list(db.session.scalars(_history(), {"device": device.id}))


@lru_cache(maxsize=1)
def _history() -> sa.Select:
    return (
        sa.select(DeviceEvent)
        .where(DeviceEvent.device_id == sa.bindparam("device"))
        .options(sa.orm.joinedload(DeviceEvent.actor))
        .order_by(DeviceEvent.seq)
    )


def check_integrity(batch_size: int = 5000) -> Iterable[tuple[str, str, str]]:
    """Replay every log; yield (tag, stored value, replayed value or error) on a mismatch.

    The state, the version and the time of the last event of every device, then what each
    device in the workshop lacks (``readiness_gap``), all against their logs.
    """
    from itertools import groupby

    statement = (
        sa.select(
            Device.asset_tag,
            Device.status,
            Device.version,
            Device.last_event_at,
            DeviceEvent.seq,
            DeviceEvent.action,
            DeviceEvent.created_at,
        )
        .join(DeviceEvent, DeviceEvent.device_id == Device.id, isouter=True)
        .order_by(Device.id, DeviceEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    rows = db.session.execute(statement)
    named = set()  # a device is named once, by its first mismatch
    for (tag, status, version, last_event_at), group in groupby(rows, key=lambda r: r[:4]):
        events = [(seq, action, at) for *_, seq, action, at in group if seq is not None]
        problem = _replay_problem(status, version, [(seq, action) for seq, action, _ in events])
        if problem:
            named.add(tag)
            yield tag, status, problem
        elif events and events[-1][2] != last_event_at:
            named.add(tag)
            yield tag, f"last event at {last_event_at}", str(events[-1][2])
    yield from (problem for problem in _gap_problems(batch_size) if problem[0] not in named)


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


def _gap_problems(batch_size: int) -> Iterable[tuple[str, str, str]]:
    """Check ``readiness_gap`` of the devices in the workshop (and of those said to be)."""
    from itertools import groupby

    statement = (
        sa.select(
            Device.asset_tag,
            Device.type,
            Device.status,
            Device.readiness_gap,
            DeviceEvent.action,
            DeviceEvent.payload,
        )
        .join(DeviceEvent, DeviceEvent.device_id == Device.id)
        .where(
            sa.or_(Device.status == lifecycle.Status.IN_WORKSHOP, Device.readiness_gap.is_not(None))
        )
        .order_by(Device.id, DeviceEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    rows = db.session.execute(statement)
    for (tag, kind, status, gap), group in groupby(rows, key=lambda r: r[:4]):
        log = [lifecycle.WorkshopEvent(action, payload or {}) for *_, action, payload in group]
        expected = None
        if status == lifecycle.Status.IN_WORKSHOP:
            expected = lifecycle.readiness_gap(log, has_storage=readiness.has_storage(kind))
        if gap != expected:
            yield tag, f"readiness gap {gap!r}", repr(expected)


def status_title(status: str | None) -> str:
    """Return a device state as the user reads it."""
    return title(STATUS_TITLES, status)
