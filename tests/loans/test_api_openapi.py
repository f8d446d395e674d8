"""The loans routes in the OpenAPI description: real bodies and answers fit the declared schemas."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from reuse_tracker.api import openapi
from reuse_tracker.features import registry
from tests.api.spec_check import assert_answer_matches, body_problems, fetch_spec

WAVE = {
    "name": "Février 2031 — Bellevue",
    "starts_on": "2031-02-01",
    "ends_on": "2031-02-12",
    "targets": {"laptop": 150, "desktop": 10},
}
LOANS_OPERATIONS = [
    ("/waves", "post"),
    ("/waves", "get"),
    ("/waves/{wave_id}/readiness", "get"),
    ("/families", "post"),
    ("/stock", "get"),
]


@pytest.fixture
def spec(client):
    return fetch_spec(client)


def test_the_description_with_the_loans_schemas_is_valid_openapi(spec):
    validate(spec)
    assert {"WaveInput", "Wave", "WaveList", "Readiness", "FamilyInput", "Family"} <= set(
        spec["components"]["schemas"]
    )


@pytest.mark.parametrize(("path", "method"), LOANS_OPERATIONS)
def test_every_loans_route_declares_its_answers_and_errors(spec, path, method):
    operation = spec["paths"][path][method]
    success = "201" if method == "post" else "200"
    assert "$ref" in operation["responses"][success]["content"]["application/json"]["schema"]
    assert {"401", "403"} <= set(operation["responses"])
    if method == "post":
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].startswith("#/components/schemas/")
        assert {"400", "415", "422"} <= set(operation["responses"])


def test_a_created_wave_and_the_list_fit_their_schemas(api, spec, make_school):
    school = make_school()
    body = {**WAVE, "schools": [school.uai.lower(), school.id]}
    assert body_problems(spec, "/waves", "post", body) == []
    coordinator = api("coordinator")
    created = coordinator.post("/waves", json=body)
    assert created.status_code == 201, created.json
    assert_answer_matches(spec, "/waves", "post", created)
    without_end = coordinator.post("/waves", json={**WAVE, "name": "Mars", "ends_on": None})
    assert without_end.status_code == 201, without_end.json
    listed = api("viewer").get("/waves")
    assert len(listed.json["waves"]) == 2
    assert_answer_matches(spec, "/waves", "get", listed)


@pytest.mark.parametrize(
    "body",
    [{}, {**WAVE, "starts_on": "1er février"}, {**WAVE, "targets": {"toaster": 1}}],
)
def test_a_refused_wave_is_refused_by_the_schema_too_and_its_error_fits(api, spec, body):
    assert body_problems(spec, "/waves", "post", body) != []
    response = api("coordinator").post("/waves", json=body)
    assert response.status_code == 422
    assert_answer_matches(spec, "/waves", "post", response)


@pytest.mark.parametrize(
    ("role", "data", "content_type", "status"),
    [
        ("viewer", b"{}", "application/json", 403),
        ("coordinator", b"not json", "application/json", 400),
        ("coordinator", b"name=x", "application/x-www-form-urlencoded", 415),
    ],
)
def test_the_other_wave_errors_fit_their_schema(api, spec, role, data, content_type, status):
    caller = api(role)
    response = caller.client.post(
        "/api/v1/waves", data=data, headers=caller.headers({"Content-Type": content_type})
    )
    assert response.status_code == status, response.json
    assert_answer_matches(spec, "/waves", "post", response)


def test_an_unauthenticated_call_fits_the_401_schema(client, spec):
    response = client.get("/api/v1/waves")
    assert response.status_code == 401
    assert_answer_matches(spec, "/waves", "get", response)


def test_readiness_and_its_404_fit_their_schemas(api, spec, make_wave, ready_device):
    wave = make_wave({"laptop": 3, "tablet": 1})
    ready_device()
    caller = api("viewer")
    answer = caller.get(f"/waves/{wave.id}/readiness")
    assert answer.status_code == 200 and set(answer.json["types"]) == {"laptop", "tablet"}
    assert_answer_matches(spec, "/waves/{wave_id}/readiness", "get", answer)
    missing = caller.get("/waves/999999/readiness")
    assert missing.status_code == 404
    assert_answer_matches(spec, "/waves/{wave_id}/readiness", "get", missing)


def test_a_referred_family_and_its_refusals_fit_their_schemas(
    api, spec, make_school, make_wave, make_association
):
    school, wave = make_school(), make_wave()
    body = {
        "reference": "ext-77",
        "association": make_association().id,
        "school": school.uai,
        "wave": wave.id,
        "needs": ["computer", "connection"],
        "device_type": "tablet",
        "referral_source": "association",
        "child_class": "CM2",
        "referred_on": "2021-01-12",
        "neighbourhood": "Bellevue",
    }
    assert body_problems(spec, "/families", "post", body) == []
    caller = api("mediator")
    created = caller.post("/families", json=body)
    assert created.status_code == 201, created.json
    assert_answer_matches(spec, "/families", "post", created)
    again = caller.post("/families", json={"reference": "EXT-77"})
    assert again.status_code == 409
    assert_answer_matches(spec, "/families", "post", again)
    personal = {"parent_name": "X"}
    assert body_problems(spec, "/families", "post", personal) != []
    refused = caller.post("/families", json=personal)
    assert refused.status_code == 422
    assert_answer_matches(spec, "/families", "post", refused)


def test_the_stock_fits_its_schema(api, spec, make_device, ready_device):
    make_device("in_workshop")
    ready_device("tablet")
    response = api("viewer").get("/stock")
    assert response.status_code == 200 and response.json["total"] == 2
    assert_answer_matches(spec, "/stock", "get", response)


def test_a_feature_cannot_take_a_core_schema_name(app, client, monkeypatch):
    monkeypatch.setitem(registry(app).schemas, "clumsy", lambda: {"Device": {}})
    with app.test_request_context(), pytest.raises(ValueError, match="Device"):
        openapi.build_spec()
