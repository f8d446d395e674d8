"""The workshop's part in the device actions: extra checks, and parts moved in and out of stock.

The workshop's ActionSpecs (``workshop/actions.py``) name these handlers: each runs inside the
action's transaction, before its event is written, and may refuse the action.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reuse_tracker import clock
from reuse_tracker.auth.models import User
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import INVALID_FIELDS, ValidationError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.vocabulary import TYPE_TITLES
from reuse_tracker.workshop import parts, weee


def _refuse(action: str, errors: dict[str, Any]) -> ValidationError:
    return ValidationError(INVALID_FIELDS, errors, action_fields.labels_of(action))


def check_erasure(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Refuse a destruction that is not physical (and the reverse), or an end before the start."""
    destroyed = payload["method"] == "destroy"
    if destroyed != (payload["technique"] == "physical_destruction"):
        problem = (
            _l("must be physical destruction when the method is “destroy”")
            if destroyed
            else _l("physical destruction is the “destroy” method")
        )
        raise _refuse("record_erasure", {"technique": problem})
    started, ended = payload.get("started_at"), payload.get("ended_at")
    if started and ended and _moment(ended) < _moment(started):
        raise _refuse("record_erasure", {"ended_at": _l("is before the start")})


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.zone())


def check_diagnostics(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Refuse diagnostics marked passed while a check failed."""
    failed = [name for name, result in (payload.get("checks") or {}).items() if result == "failed"]
    if payload["result"] == "passed" and failed:
        titles = ", ".join(action_fields.check_title(name) for name in failed)
        raise _refuse(
            "record_diagnostics",
            {"result": _l("cannot be “passed” when a check failed (%(checks)s)", checks=titles)},
        )


def check_recycling(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Refuse a weight no device of this type could have; date the pick-up (default today)."""
    limit = weee.max_weight_kg(device.type)
    if payload["weight_kg"] > limit:
        raise _refuse(
            "recycle",
            {
                "weight_kg": _l(
                    "%(kg)s kg is not plausible for a %(type)s (at most %(max)s kg)",
                    kg=payload["weight_kg"],
                    type=TYPE_TITLES.get(device.type, device.type),
                    max=limit,
                )
            },
        )
    today = clock.today()
    collected = payload.setdefault("collected_on", today.isoformat())
    if date.fromisoformat(collected) > today:
        raise _refuse("recycle", {"collected_on": _l("cannot be in the future")})


def stock_harvested_parts(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Put the parts listed by a ``harvest`` into stock."""
    for part in payload.get("parts") or ():
        parts.add(
            part["kind"],
            part["spec"],
            part["quantity"],
            reason="harvest",
            actor=actor,
            device=device,
        )


def harvest_part(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Put one harvested part into stock."""
    parts.add(*_part_line(payload), reason="harvest", actor=actor, device=device)


def install_part(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Take the installed part out of stock, or refuse if none is left."""
    parts.take(*_part_line(payload), reason="install", actor=actor, device=device)


def _part_line(payload: dict[str, Any]) -> tuple[str, str, int]:
    """Complete a part action's payload (one part, spacing tidied); return kind, spec, quantity."""
    payload.setdefault("quantity", 1)
    payload["spec"] = " ".join(payload["spec"].split())
    return payload["kind"], payload["spec"], payload["quantity"]
