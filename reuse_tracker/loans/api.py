"""The loans feature's JSON routes, on the API blueprint: waves, readiness, families."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

import sqlalchemy as sa
from flask import Response, jsonify, url_for
from sqlalchemy.orm import selectinload

from reuse_tracker.api import openapi, parsing
from reuse_tracker.api.schemas import ref
from reuse_tracker.auth.access import READ, current_actor, roles_required
from reuse_tracker.auth.models import Role
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import INVALID_FIELDS, NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.features import add_operation, add_schemas
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import api_bp as bp
from reuse_tracker.loans import families, programme, queries
from reuse_tracker.loans.models import CLASSES, NEEDS, REFERRAL_SOURCES, Wave
from reuse_tracker.loans.readiness import GO, LIKELY, SHORT, TypeReadiness
from reuse_tracker.sizes import ID_CONVERTER, MAX_ID

#: Fields of a family that never go through the API: they are entered on the family's page.
PERSONAL_FIELDS = (*families.CONTACT_FIELDS, "consent")
FAMILY_FIELDS = (
    "reference",
    "school",
    "wave",
    "needs",
    "device_type",
    "referral_source",
    "referred_on",
    "child_class",
    "neighbourhood",
    "association",
)


@bp.post("/waves")
@roles_required(Role.COORDINATOR)
def create_wave() -> tuple[Response, int, dict[str, str]]:
    """Create a distribution wave with its targets per device type and its schools."""
    body = parsing.json_object()
    wave = programme.create_wave(body)
    db.session.commit()
    location = url_for(".wave_readiness", wave_id=wave.id)
    return jsonify(programme.wave_answer(wave)), 201, {"Location": location}


@bp.get("/waves")
@roles_required(*READ)
def list_waves() -> Response:
    """List the distribution waves, the latest first."""
    waves = db.session.scalars(
        sa.select(Wave)
        .options(selectinload(Wave.schools))
        .order_by(Wave.starts_on.desc(), Wave.id.desc())
    ).all()
    return jsonify({"waves": [programme.wave_answer(wave) for wave in waves]})


@bp.get(f"/waves/<{ID_CONVERTER}:wave_id>/readiness")
@roles_required(*READ)
def wave_readiness(wave_id: int) -> Response:
    """Say whether the stock is there for a wave: per device type, target to shortfall."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise NotFoundError(_l("No wave has the number %(id)s.", id=wave_id))
    return jsonify(queries.readiness_answer(wave, queries.readiness_for(wave)))


@bp.post("/families")
@roles_required(Role.COORDINATOR, Role.MEDIATOR)
def create_family() -> tuple[Response, int]:
    """Refer a family (no personal details here: they go through the family's page)."""
    body = parsing.json_object()
    errors = {
        name: str(_l("personal details are entered on the family's page, not here"))
        for name in PERSONAL_FIELDS
        if name in body
    }
    errors.update(
        {
            name: str(_l("unknown field"))
            for name in body
            if name not in FAMILY_FIELDS and name not in PERSONAL_FIELDS
        }
    )
    if errors:
        raise ValidationError(INVALID_FIELDS, errors)
    data = {name: body.get(name) for name in FAMILY_FIELDS}
    family = families.create_family(data, current_actor())
    db.session.commit()
    return jsonify(
        {
            "id": family.id,
            "reference": family.reference,
            "wave": family.wave_id,
            "needs": family.needs,
        }
    ), 201


# --- The OpenAPI description of these routes ----------------------------------------------

DATE = {"type": "string", "format": "date"}
INTEGER = {"type": "integer"}
RECORD_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
VERDICT = {"type": "string", "enum": [GO, LIKELY, SHORT]}
#: The figures of one device type in a wave's readiness (``queries.readiness_answer``).
TYPE_FIGURES = [item.name for item in dataclass_fields(TypeReadiness) if item.name != "device_type"]


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


def _wave_input_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name", "starts_on", "targets"],
        "properties": {
            "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": Wave.__table__.c.name.type.length,
            },
            "starts_on": DATE,
            "ends_on": {**DATE, "type": ["string", "null"], "description": "Not before starts_on."},
            "targets": {
                "type": "object",
                "description": "The devices planned per device type; at least one above 0.",
                "propertyNames": {"enum": list(DEVICE_TYPES)},
                "additionalProperties": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": programme.MAX_TARGET,
                },
                "minProperties": 1,
            },
            "schools": {
                "type": ["array", "null"],
                "description": "The schools covered: their UAI codes (0441234A) or numbers.",
                "items": {"type": ["string", "integer"]},
            },
        },
    }


def _wave_schema() -> dict[str, Any]:
    return _object(
        {
            "id": INTEGER,
            "name": {"type": "string"},
            "starts_on": DATE,
            "ends_on": {**DATE, "type": ["string", "null"]},
            "is_open": {"type": "boolean"},
            "targets": {
                "type": "object",
                "propertyNames": {"enum": list(DEVICE_TYPES)},
                "additionalProperties": INTEGER,
            },
            "schools": {
                "type": "array",
                "description": "The UAI codes of the schools covered.",
                "items": {"type": "string"},
            },
        }
    )


def _readiness_schema() -> dict[str, Any]:
    figures = {name: {"type": "integer", "minimum": 0} for name in TYPE_FIGURES}
    return _object(
        {
            "wave": _object(
                {
                    "id": INTEGER,
                    "name": {"type": "string"},
                    "starts_on": DATE,
                    "is_open": {"type": "boolean"},
                }
            ),
            "days_until_start": {"type": "integer", "minimum": 0},
            "window_days": INTEGER,
            "go": {"type": "boolean", "description": "Every device type is ready now."},
            "verdict": VERDICT,
            "types": {
                "type": "object",
                "description": "The figures of each device type the wave targets.",
                "propertyNames": {"enum": list(DEVICE_TYPES)},
                "additionalProperties": _object({**figures, "verdict": VERDICT}),
            },
        }
    )


def _family_input_schema() -> dict[str, Any]:
    def choice(values: tuple[str, ...], default: str | None = None) -> dict[str, Any]:
        schema: dict[str, Any] = {"enum": [*values, None]}
        return {**schema, "default": default} if default else schema

    return {
        "type": "object",
        "description": "Personal details (" + ", ".join(PERSONAL_FIELDS) + ") are refused "
        "here: they are entered on the family's page. Any other field is refused too.",
        "additionalProperties": False,
        "properties": {
            "reference": {
                "type": ["string", "null"],
                "description": "3 to 20 letters, digits or dashes (upper-cased); "
                "by default FAM-<year>-<number>. 409 if another family has it.",
            },
            "school": {
                "type": ["string", "integer", "null"],
                "description": "The child's school: its UAI code or its number.",
            },
            "wave": {**RECORD_ID, "type": ["integer", "null"], "description": "An open wave."},
            "needs": {
                "type": ["array", "null"],
                "items": {"enum": list(NEEDS)},
                "default": ["computer"],
            },
            "device_type": choice(DEVICE_TYPES, "laptop"),
            "referral_source": choice(REFERRAL_SOURCES, "school"),
            "referred_on": {
                **DATE,
                "type": ["string", "null"],
                "description": "Not in the future; by default today.",
            },
            "child_class": choice(CLASSES),
            "neighbourhood": {"type": ["string", "null"], "maxLength": 120},
            "association": {**RECORD_ID, "type": ["integer", "null"]},
        },
    }


def _family_schema() -> dict[str, Any]:
    return _object(
        {
            "id": INTEGER,
            "reference": {"type": "string"},
            "wave": {"type": ["integer", "null"]},
            "needs": {"type": "array", "items": {"enum": list(NEEDS)}},
        }
    )


def _schemas() -> dict[str, dict[str, Any]]:
    return {
        "WaveInput": _wave_input_schema(),
        "Wave": _wave_schema(),
        "WaveList": _object({"waves": {"type": "array", "items": ref("Wave")}}),
        "Readiness": _readiness_schema(),
        "FamilyInput": _family_input_schema(),
        "Family": _family_schema(),
        "SchoolInput": {
            "type": "object",
            "required": ["uai", "name"],
            "properties": {
                "uai": {"type": "string", "description": "The national school code (UAI)."},
                "name": {"type": "string", "maxLength": 200},
                "network": {"type": ["string", "null"], "description": "REP+, REP or none."},
                "neighbourhood": {"type": ["string", "null"], "maxLength": 120},
                "is_qpv": {"type": ["boolean", "null"]},
            },
        },
        "School": _object(
            {
                "id": INTEGER,
                "uai": {"type": "string"},
                "name": {"type": "string"},
                "network": {"type": "string"},
                "neighbourhood": {"type": ["string", "null"]},
                "is_qpv": {"type": "boolean"},
            }
        ),
        "SchoolList": _object({"schools": {"type": "array", "items": ref("School")}}),
        "AssociationInput": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 120},
                "contact_email": {"type": ["string", "null"], "maxLength": 254},
            },
        },
        "Association": _object(
            {
                "id": INTEGER,
                "name": {"type": "string"},
                "contact_email": {"type": ["string", "null"]},
            }
        ),
        "AssociationList": _object(
            {"associations": {"type": "array", "items": ref("Association")}}
        ),
    }


def _json_body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


def _operations() -> dict[str, dict[str, Any]]:
    """Return the bodies and answers of the routes above, by endpoint."""
    location = {"description": "The wave's readiness in this API.", "schema": {"type": "string"}}
    answer = openapi.json_response
    return {
        "api.loans.create_wave": {
            "requestBody": _json_body("WaveInput"),
            "responses": {
                "201": answer("The wave.", ref("Wave"), headers={"Location": location}),
                **openapi.error_responses(400, 413, 415, 422),
            },
        },
        "api.loans.list_waves": {"responses": {"200": answer("The waves.", ref("WaveList"))}},
        "api.loans.wave_readiness": {
            "responses": {
                "200": answer("The wave's readiness.", ref("Readiness")),
                **openapi.error_responses(404),
            }
        },
        "api.loans.create_family": {
            "requestBody": _json_body("FamilyInput"),
            "responses": {
                "201": answer("The family's reference.", ref("Family")),
                **openapi.error_responses(400, 409, 413, 415, 422),
            },
        },
        "api.loans.create_school": {
            "requestBody": _json_body("SchoolInput"),
            "responses": {
                "201": answer("The school.", ref("School")),
                **openapi.error_responses(400, 409, 413, 415, 422),
            },
        },
        "api.loans.list_schools": {"responses": {"200": answer("The schools.", ref("SchoolList"))}},
        "api.loans.create_association": {
            "requestBody": _json_body("AssociationInput"),
            "responses": {
                "201": answer("The association.", ref("Association")),
                **openapi.error_responses(400, 409, 413, 415, 422),
            },
        },
        "api.loans.list_associations": {
            "responses": {"200": answer("The associations.", ref("AssociationList"))}
        },
    }


_OPERATIONS = (
    "api.loans.create_wave",
    "api.loans.list_waves",
    "api.loans.wave_readiness",
    "api.loans.create_family",
    "api.loans.create_school",
    "api.loans.list_schools",
    "api.loans.create_association",
    "api.loans.list_associations",
)


def register_openapi(app) -> None:
    """Describe the loans' API routes and schemas in the OpenAPI document."""
    add_schemas(app, "loans", _schemas)
    for endpoint in _OPERATIONS:
        add_operation(app, endpoint, lambda endpoint=endpoint: _operations()[endpoint])
