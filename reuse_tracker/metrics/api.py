"""``GET /api/v1/metrics``: the programme's exact figures (staff), described in OpenAPI."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from reuse_tracker.api import openapi
from reuse_tracker.api.schemas import ref
from reuse_tracker.auth.access import roles_required
from reuse_tracker.features import add_operation, add_schemas
from reuse_tracker.metrics import api_bp as bp
from reuse_tracker.metrics import factors, figures, impact
from reuse_tracker.metrics.periods import period_from
from reuse_tracker.policy import FIGURES


@bp.get("/metrics")
@roles_required(*FIGURES)
def programme_metrics() -> Response:
    """Return the programme's figures for a period (default: the current school year)."""
    answer = figures.for_period(period_from(request.args))
    factors.save_changes()
    return jsonify(answer)


# --- The OpenAPI description --------------------------------------------------------------

INTEGER = {"type": "integer", "minimum": 0}
RATIO = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
NUMBER = {"type": "number", "minimum": 0}
MAYBE_INTEGER = {"type": ["integer", "null"], "minimum": 0}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def _equipment() -> dict[str, Any]:
    wave = _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": ["string", "null"], "format": "date"},
            "targets": {"type": "object", "additionalProperties": {"type": "integer"}},
            "target": INTEGER,
            "families_equipped": INTEGER,
            "loans_started": INTEGER,
            "devices_on_loan": INTEGER,
            "handed_over": INTEGER,
        }
    )
    school = _object(
        {
            "id": {"type": ["integer", "null"]},
            "name": {"type": ["string", "null"]},
            "uai": {"type": ["string", "null"]},
            "network": {"type": ["string", "null"]},
            "neighbourhood": {"type": ["string", "null"]},
            "is_qpv": {"type": ["boolean", "null"]},
            "families_equipped": INTEGER,
            "loans_started": INTEGER,
        }
    )
    neighbourhood = _object(
        {
            "neighbourhood": {"type": "string"},
            "is_qpv": {"type": "boolean"},
            "families_equipped": INTEGER,
        }
    )
    return _object(
        {
            "target": INTEGER,
            "families_equipped": {
                **INTEGER,
                "description": "Families that held a device "
                "(lent, or given) at some time in the period.",
            },
            "families_equipped_at_end": INTEGER,
            "devices_on_loan": {**INTEGER, "description": "At the period's end (or now)."},
            "loans_started": INTEGER,
            "re_loans": {**INTEGER, "description": "Hand-overs of a device already lent before."},
            "returns": INTEGER,
            "lost": INTEGER,
            "transferred": INTEGER,
            "median_days_intake_to_family": {"type": ["number", "null"]},
            "workshop_ready_per_week": NUMBER,
            "yield": {**RATIO, "description": "Reused ÷ received, in the period."},
            "families_accompanied": {
                **MAYBE_INTEGER,
                "description": "null: not recorded yet by the loans side.",
            },
            "families_connected": MAYBE_INTEGER,
            "support_target": INTEGER,
            "by_wave": {"type": "array", "items": wave},
            "by_school": {"type": "array", "items": school},
            "by_neighbourhood": {"type": "array", "items": neighbourhood},
            "by_network": {"type": "object", "additionalProperties": INTEGER},
            "by_qpv": _object({"qpv": INTEGER, "other": INTEGER}),
            "equipped_by_month": {
                "type": "array",
                "description": "[month, families equipped for the first time].",
                "items": {
                    "type": "array",
                    "items": {"type": ["string", "integer"]},
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
        }
    )


def _circular() -> dict[str, Any]:
    methods = _object({method: NUMBER for method in impact.METHODS})
    by_type = _object(
        {
            "device_type": {"type": "string"},
            "received": INTEGER,
            "reused": INTEGER,
            "harvested": INTEGER,
            "recycled": INTEGER,
            "kg_kept_in_use": NUMBER,
            "kg_weee": NUMBER,
            "waste_code": {"type": "string"},
            "years_on_loan": NUMBER,
            "co2e_avoided_kg": methods,
        }
    )
    type_factors = _object(
        {
            "new_device_kg_co2e": NUMBER,
            "avoided_kg_co2e_per_year_of_reuse": {"type": ["number", "null"]},
            "per_year_used": NUMBER,
            "typical_weight_kg": NUMBER,
            "reference_life_years": NUMBER,
            "source": {"type": "string"},
        }
    )
    return _object(
        {
            "devices_received": INTEGER,
            "devices_reused": {**INTEGER, "description": "Devices handed over to a family."},
            "devices_recycled": INTEGER,
            "devices_harvested": INTEGER,
            "reuse_rate": RATIO,
            "kg_kept_in_use": NUMBER,
            "kg_weee": NUMBER,
            "parts_harvested": INTEGER,
            "parts_reused": INTEGER,
            "co2e_avoided_kg": methods,
            "by_type": {"type": "array", "items": by_type},
            "uncovered_types": {"type": "array", "items": {"type": "string"}},
            "factors": _object(
                {
                    "version": {"type": "string"},
                    "published_on": {"type": "string", "format": "date"},
                    "source": {"type": "string"},
                    "avoided_share": NUMBER,
                    "by_type": {"type": "object", "additionalProperties": type_factors},
                }
            ),
            "methods": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    )


def _schemas() -> dict[str, dict[str, Any]]:
    stock = {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": INTEGER},
    }
    return {
        "Metrics": _object(
            {
                "period": _object(
                    {
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                    }
                ),
                "computed_at": {"type": "string"},
                "stock": stock,
                "equipment": _equipment(),
                "circular": _circular(),
            }
        )
    }


def _period_parameters() -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": text,
            "schema": {"type": "string", "format": "date"},
        }
        for name, text in (
            ("from", "First day (default: 1 September of the current school year)."),
            ("to", "Last day, included (default: 31 August of the current school year)."),
        )
    ]


def register_openapi(app: Flask) -> None:
    """Describe the metrics and open data routes in the OpenAPI document."""
    from reuse_tracker.metrics import opendata_views

    add_schemas(app, "metrics", _schemas)
    add_operation(
        app,
        "api.metrics.programme_metrics",
        lambda: {
            "parameters": _period_parameters(),
            "responses": {
                "200": openapi.json_response("The figures.", ref("Metrics")),
                **openapi.error_responses(422),
            },
        },
    )
    opendata_views.register_openapi(app, _period_parameters)
