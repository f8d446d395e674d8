"""Everything under /api/v1 answers JSON errors, never an HTML page."""

from __future__ import annotations

from tests.api.conftest import API


def _assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_an_unknown_route_is_a_json_404(api):
    caller = api("coordinator")
    _assert_json_error(caller.get("/nowhere"), 404, "not_found")
    _assert_json_error(caller.client.get("/api/v2/stock"), 404, "not_found")


def test_a_wrong_method_is_a_json_405(api):
    _assert_json_error(api("coordinator").post("/stock", json={}), 405, "method_not_allowed")


def test_a_body_over_the_size_limit_is_a_json_413(app, api, make_device, monkeypatch):
    tag = make_device("received").asset_tag
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = api("workshop").act(tag, "start_reconditioning", {"notes": "x" * 2000})
    _assert_json_error(response, 413, "too_large")


def test_errors_are_in_the_callers_language(api):
    caller = api("viewer")
    response = caller.get("/devices/RT-000404", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.headers["Content-Language"] == "en"
    assert response.json["error"]["message"] == "No device has the tag RT-000404."
    response = caller.get("/devices/RT-000404", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.headers["Content-Language"] == "fr"
    assert (
        response.json["error"]["message"]
        == "Aucun équipement ne porte le numéro d'inventaire RT-000404."
    )


def test_a_refusal_carries_no_html(client):
    response = client.get(f"{API}/stock", headers={"Accept": "text/html"})
    _assert_json_error(response, 401, "unauthorized")
