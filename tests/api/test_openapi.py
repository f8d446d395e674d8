"""GET /openapi.json: a valid OpenAPI 3.1 description generated from the code."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from reuse_tracker.devices import actions as device_actions
from reuse_tracker.devices.fields import fields_for
from reuse_tracker.devices.registration import DEVICE_TYPES, TEXT_LIMITS
from tests.api.conftest import API


@pytest.fixture
def spec(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    assert spec["security"] == [{"bearer": []}]


def test_every_route_of_the_api_is_described_with_its_roles(app, spec):
    prefix = "/api/v1"
    rules = {
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert "/donations/{donation_id}" in rules
    assert set(spec["paths"]) == rules
    donations = spec["paths"]["/donations"]["post"]
    assert donations["x-roles"] == ["admin", "coordinator", "workshop"]
    assert {"201", "401", "403", "422"} <= set(donations["responses"])
    assert spec["paths"]["/openapi.json"]["get"]["security"] == []
    [donation_id] = spec["paths"]["/donations/{donation_id}"]["get"]["parameters"]
    assert donation_id["schema"] == {"type": "integer"}


def test_every_available_action_has_its_body_schema(spec):
    actions = device_actions.available_actions()
    operation = spec["paths"]["/devices/{asset_tag}/actions/{action}"]["post"]
    action_parameter = next(p for p in operation["parameters"] if p["name"] == "action")
    assert action_parameter["schema"]["enum"] == actions
    schemas = spec["components"]["schemas"]
    for action in actions:
        name = operation["x-action-schemas"][action].rsplit("/", 1)[1]
        schema = schemas[name]
        fields = fields_for(action)
        assert set(schema["properties"]) == {f.name for f in fields} | {"expected_version"}
        assert schema.get("required", []) == [f.name for f in fields if f.required]
        assert all("type" in prop for prop in schema["properties"].values())


def test_field_kinds_become_json_schema_types_and_limits(spec):
    schemas = spec["components"]["schemas"]
    erasure = schemas["RecordErasureFields"]["properties"]
    assert erasure["method"] == {
        "type": "string",
        "enum": ["clear", "purge", "destroy"],
        "title": erasure["method"]["title"],
    }
    assert erasure["tool"]["maxLength"] == 80
    battery = schemas["RecordDiagnosticsFields"]["properties"]["battery_health_pct"]
    assert (battery["type"], battery["minimum"], battery["maximum"]) == ("integer", 0, 100)
    assert schemas["RecordDiagnosticsFields"]["properties"]["checks"]["type"] == "object"
    assert schemas["RecycleFields"]["properties"]["weight_kg"]["type"] == "number"
    assert schemas["RecycleFields"]["required"] == ["weight_kg", "channel"]


def test_the_donation_body_follows_the_intake_limits(spec):
    device = spec["components"]["schemas"]["DeviceInput"]
    assert device["required"] == ["type", "brand", "model", "serial"]
    assert device["properties"]["type"]["enum"] == list(DEVICE_TYPES)
    assert device["properties"]["serial"]["maxLength"] == TEXT_LIMITS["serial"]
    assert device["properties"]["year"]["type"] == "integer"
    assert device["properties"]["weight_kg"]["type"] == "number"
    donation = spec["components"]["schemas"]["DonationInput"]
    assert donation["properties"]["devices"]["maxItems"] == 5000


def test_titles_follow_the_callers_language(french, client):
    response = client.get(f"{API}/openapi.json", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert client.get(f"{API}/openapi.json").headers["Content-Language"] == "fr"
