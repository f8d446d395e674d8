"""Reading API request bodies: one JSON object, its shape checked before a service sees it.

The services check values; this module checks what only JSON can get wrong
(an object where a text is expected, a list that is not one, characters a
database cannot store), so that no body can end in a server error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import request

from reuse_tracker import inputs
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices import registration
from reuse_tracker.errors import INVALID_FIELDS, UserError, ValidationError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake.models import Donor

#: The most devices one call may register.
MAX_DEVICES = 5000
MAX_NOTES = 2000
DEVICE_FIELDS = ("type", *registration.TEXT_LIMITS, *registration.SPEC_LIMITS)
DONOR_FIELDS = (
    "name",
    "siret",
    "kind",
    "contact_email",
    "contact_name",
    "contact_phone",
    "address",
)
#: Donor fields the intake service does not measure, limited by their columns.
DONOR_TEXT_LIMITS = {
    name: Donor.__table__.c[name].type.length for name in ("contact_name", "contact_phone")
}


class UnsupportedMediaType(UserError):
    status = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class DonationInput:
    """A donation's body, its shape checked."""

    donor: dict[str, Any]
    received_on: Any
    devices: list[dict[str, Any]]
    notes: str


def json_object(*, allow_empty: bool = False) -> dict[str, Any]:
    """Return the body as a JSON object; refuse anything else with 400 or 415."""
    raw = request.get_data(cache=True)
    if allow_empty and not raw.strip():
        return {}
    if not request.is_json:
        raise UnsupportedMediaType(_l("Send JSON, with the header Content-Type: application/json."))
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise UserError(_l("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise UserError(_l("The body must be a JSON object."))
    problems = {
        path: problem
        for path, text in _strings(body)
        if (problem := inputs.storable_problem(text)) is not None
    }
    if problems:
        raise ValidationError(INVALID_FIELDS, dict(sorted(problems.items())[:20]))
    return body


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Yield every string of a JSON document with its dotted path, keys included, without
    recursion (``devices.3.serial``; a key is named by its own path)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path or "body", item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                yield child_path[:120], str(key)
                stack.append((child_path[:120], child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{index}", child) for index, child in enumerate(item))


def _not_single(data: Mapping[str, Any], prefix: str, names: Iterable[str]) -> dict[str, str]:
    """Name each field holding an object or a list where one value is expected."""
    return {
        f"{prefix}{name}": str(_l("must be a single value, not an object or a list"))
        for name in names
        if isinstance(data.get(name), dict | list)
    }


def device_label(index: int) -> str:
    """Name a device of the body as the client wrote it: ``devices[3]``."""
    return f"devices[{index}]"


def donation_input(body: Mapping[str, Any]) -> DonationInput:
    """Check the shape of a donation's body; raise ValidationError naming each problem."""
    errors = {**_donor_errors(body.get("donor")), **_devices_errors(body.get("devices"))}
    notes = body.get("notes")
    notes = "" if notes is None else notes
    if not isinstance(notes, str):
        errors["notes"] = str(_l("must be a text"))
    elif len(notes) > MAX_NOTES:
        errors["notes"] = str(_l("must be at most %(n)s characters", n=MAX_NOTES))
    received_on = body.get("received_on")
    if isinstance(received_on, dict | list):
        errors["received_on"] = str(_l("must be a date (YYYY-MM-DD)"))
    if errors:
        raise ValidationError(INVALID_FIELDS, errors)
    return DonationInput(body["donor"], received_on, body["devices"], notes)


def _donor_errors(donor: Any) -> dict[str, str]:
    if donor is None:
        return {"donor": str(_l("is required"))}
    if not isinstance(donor, dict):
        return {"donor": str(_l("must be an object"))}
    errors = _not_single(donor, "donor.", DONOR_FIELDS)
    for name, limit in DONOR_TEXT_LIMITS.items():
        if f"donor.{name}" not in errors and len(str(donor.get(name) or "").strip()) > limit:
            errors[f"donor.{name}"] = str(_l("must be at most %(n)s characters", n=limit))
    return errors


def _devices_errors(devices: Any) -> dict[str, str]:
    if devices is None:
        return {"devices": str(_l("is required"))}
    if not isinstance(devices, list):
        return {"devices": str(_l("must be a list of devices"))}
    if len(devices) > MAX_DEVICES:
        return {"devices": str(_l("at most %(n)s devices per call", n=MAX_DEVICES))}
    errors: dict[str, str] = {}
    for index, device in enumerate(devices):
        if isinstance(device, dict):
            errors.update(_not_single(device, f"{device_label(index)}.", DEVICE_FIELDS))
        else:
            errors[device_label(index)] = str(_l("must be an object"))
    return errors


def with_dotted_fields(error: ValidationError) -> ValidationError:
    """Rename the service's ``devices[3] · serial`` keys to ``devices[3].serial``."""
    error.fields = {key.replace(" · ", "."): message for key, message in error.fields.items()}
    return error


def action_input(action: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Split an action's body into its fields and the optional ``expected_version``."""
    data = dict(body)
    expected = data.pop("expected_version", None)
    single = [field.name for field in action_fields.fields_for(action) if field.kind != "checks"]
    errors = _not_single(data, "", single)
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        errors["expected_version"] = str(_l("must be a whole number"))
    if errors:
        raise ValidationError(INVALID_FIELDS, errors)
    return data, expected
