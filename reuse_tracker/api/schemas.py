"""JSON Schemas of the API's bodies and answers, generated from the code's own descriptions.

Action bodies come from each action's ``ActionSpec.fields`` (the Field specs that
also validate them); device rows from ``devices.registration`` (DeviceSpec, its
limits and DEVICE_TYPES). Change those and the description follows.
"""

from __future__ import annotations

from decimal import Decimal
from types import NoneType
from typing import Any, get_args, get_type_hints

from reuse_tracker.api import parsing
from reuse_tracker.devices import registration
from reuse_tracker.devices.actions import action_title
from reuse_tracker.devices.fields import Field, fields_for
from reuse_tracker.devices.lifecycle import ACTIONS, Status
from reuse_tracker.devices.models import DEVICE_TYPES, GRADES
from reuse_tracker.intake.models import DONOR_KINDS, Donor

PASS_FAIL = ["passed", "failed"]
_JSON_TYPES = {str: "string", int: "integer", Decimal: "number"}


def ref(name: str) -> dict[str, str]:
    """Point to a named schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def field_schema(field: Field) -> dict[str, Any]:
    """Return the JSON Schema of one action field."""
    schema: dict[str, Any] = {"title": str(field.label)}
    if field.kind == "choice":
        schema.update(type="string", enum=[value for value, _label in field.choices])
    elif field.kind in {"int", "decimal"}:
        schema["type"] = "integer" if field.kind == "int" else "number"
        bounds = {"minimum": field.minimum, "maximum": field.maximum}
        schema.update({key: value for key, value in bounds.items() if value is not None})
    elif field.kind == "date":
        schema.update(type="string", format="date")
    elif field.kind == "checks":
        schema.update(type="object", additionalProperties={"type": "string", "enum": PASS_FAIL})
    else:  # text, longtext
        schema.update(type="string", maxLength=field.max_length)
    return schema


def action_schema_name(action: str) -> str:
    """Name the component describing an action's body: ``RecordErasureFields``."""
    return "".join(part.title() for part in action.split("_")) + "Fields"


def action_schema(action: str) -> dict[str, Any]:
    """Return the JSON Schema of the body of ``action``."""
    fields = fields_for(action)
    properties = {field.name: field_schema(field) for field in fields}
    properties["expected_version"] = {
        "type": "integer",
        "description": "The device version the caller saw; 409 if stale.",
    }
    schema: dict[str, Any] = {
        "type": "object",
        "title": action,
        "description": action_title(action),
        "properties": properties,
    }
    required = [field.name for field in fields if field.required]
    if required:
        schema["required"] = required
    return schema


def device_input_schema() -> dict[str, Any]:
    """Return the schema of one device of a donation, from the intake's own limits."""
    hints = get_type_hints(registration.DeviceSpec)
    properties: dict[str, Any] = {"type": {"type": "string", "enum": list(DEVICE_TYPES)}}
    for name, limit in registration.TEXT_LIMITS.items():
        properties[name] = {"type": "string", "maxLength": limit}
    for name, (low, high) in registration.SPEC_LIMITS.items():
        base = next(arg for arg in get_args(hints[name]) or (hints[name],) if arg is not NoneType)
        properties[name] = {"type": _JSON_TYPES[base], "minimum": low, "maximum": high}
    spec = registration.DeviceSpec
    required = [
        name for name in spec._fields if name not in spec._field_defaults and name in properties
    ]
    return {"type": "object", "properties": properties, "required": required}


def donor_input_schema() -> dict[str, Any]:
    """Return the schema of a donation's donor (found by SIRET or name, else created)."""
    columns = Donor.__table__.c
    return {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": columns.name.type.length},
            "siret": {"type": "string", "description": "14 digits with a valid check digit"},
            "kind": {"type": "string", "enum": list(DONOR_KINDS), "default": "company"},
            "contact_name": {"type": "string", "maxLength": columns.contact_name.type.length},
            "contact_email": {"type": "string", "format": "email"},
            "contact_phone": {"type": "string", "maxLength": columns.contact_phone.type.length},
            "address": {"type": "string"},
        },
    }


def donation_input_schema() -> dict[str, Any]:
    """Return the schema of the body of POST /donations."""
    return {
        "type": "object",
        "required": ["donor", "received_on", "devices"],
        "properties": {
            "donor": ref("DonorInput"),
            "received_on": {"type": "string", "format": "date"},
            "notes": {"type": "string", "maxLength": parsing.MAX_NOTES},
            "devices": {
                "type": "array",
                "items": ref("DeviceInput"),
                "minItems": 1,
                "maxItems": parsing.MAX_DEVICES,
            },
        },
    }


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required}


STRING, INTEGER = {"type": "string"}, {"type": "integer"}
STATUS = {"type": "string", "enum": [status.value for status in Status]}


def device_schema() -> dict[str, Any]:
    """Return the schema of the device answer."""
    spec = device_input_schema()["properties"]
    optional_specs = {
        name: {**spec[name], "type": [spec[name]["type"], "null"]}
        for name in spec
        if name not in {"type", "brand", "model", "serial"}
    }
    return _object(
        {
            "asset_tag": STRING,
            "type": spec["type"],
            "brand": STRING,
            "model": STRING,
            "serial": STRING,
            **optional_specs,
            "grade": {"type": ["string", "null"], "enum": [*GRADES, None]},
            "os": _nullable("string"),
            "status": STATUS,
            "version": INTEGER,
            "donation": _object({"id": INTEGER, "reference": STRING}),
            "allowed_actions": {
                "type": "array",
                "items": {"type": "string", "enum": list(ACTIONS)},
            },
            "missing_for_ready": {
                "type": "array",
                "description": "Only while in the workshop.",
                "items": _object({"code": STRING, "message": STRING}),
            },
            "events": {"type": "array", "items": ref("Event")},
            "current_loan": {"type": ["object", "null"]},
        },
        optional=("missing_for_ready",),
    )


def event_schema() -> dict[str, Any]:
    """Return the schema of one entry of a device's history."""
    return _object(
        {
            "seq": INTEGER,
            "action": {"type": "string", "enum": list(ACTIONS)},
            "from_status": {"type": ["string", "null"]},
            "to_status": STATUS,
            "payload": {"type": "object"},
            "actor": {"oneOf": [_object({"id": INTEGER, "name": STRING}), {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
        }
    )


def donation_schema() -> dict[str, Any]:
    """Return the schema of the donation answer."""
    device = _object(
        {
            "asset_tag": STRING,
            "serial": STRING,
            "type": STRING,
            "brand": STRING,
            "model": STRING,
            "donor_asset_number": _nullable("string"),
            "status": STATUS,
        }
    )
    return _object(
        {
            "id": INTEGER,
            "reference": {"type": "string", "pattern": "^DON-[0-9]{4}-[0-9]{4,}$"},
            "received_on": {"type": "string", "format": "date"},
            "notes": STRING,
            "donor": _object(
                {"id": INTEGER, "name": STRING, "kind": STRING, "siret": _nullable("string")}
            ),
            "devices": {
                "type": "array",
                "items": device,
                "description": "In the order the devices were sent.",
            },
        }
    )


def stock_schema() -> dict[str, Any]:
    """Return the schema of the stock counts."""
    counts = {"type": "object", "additionalProperties": INTEGER}
    return _object(
        {
            "by_status": counts,
            "by_type": counts,
            "total": INTEGER,
            "table": {"type": "object", "additionalProperties": counts},
        }
    )


ERROR = _object(
    {
        "error": _object(
            {
                "code": STRING,
                "message": STRING,
                "fields": {
                    "type": "object",
                    "additionalProperties": STRING,
                    "description": "The problem with each field or row, by name.",
                },
            },
            optional=("fields",),
        )
    }
)


def components(actions: list[str]) -> dict[str, Any]:
    """Return every named schema, one per available action's body included."""
    return {
        "Error": ERROR,
        "DonationInput": donation_input_schema(),
        "DonorInput": donor_input_schema(),
        "DeviceInput": device_input_schema(),
        "Donation": donation_schema(),
        "Device": device_schema(),
        "Event": event_schema(),
        "Stock": stock_schema(),
        **{action_schema_name(action): action_schema(action) for action in actions},
    }
