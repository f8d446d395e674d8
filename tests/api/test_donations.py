"""POST /donations registers a donation and all its devices, or nothing."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation
from tests.api.conftest import API, RECEIVED_ON, VALID_SIRET, device_row, donation_body


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _assert_nothing_recorded() -> None:
    assert (_count(Donation), _count(Device), _count(DeviceEvent)) == (0, 0, 0)


def _assert_invalid(response, *fields: str) -> dict[str, str]:
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(fields) <= set(error["fields"]), error["fields"]
    return error["fields"]


def test_a_donation_is_registered_with_an_asset_tag_per_device(api):
    caller = api("coordinator")
    response = caller.post("/donations", json=donation_body(3, notes="Lot du 3e étage"))
    assert response.status_code == 201, response.json
    answer = response.json
    assert answer["reference"] == "DON-2025-0001"
    assert answer["received_on"] == RECEIVED_ON
    assert answer["notes"] == "Lot du 3e étage"
    assert answer["donor"]["name"] == "Société Exemple"
    assert answer["donor"]["siret"] == VALID_SIRET
    assert [(d["asset_tag"], d["serial"], d["type"], d["status"]) for d in answer["devices"]] == [
        ("RT-000001", "SN-00000", "laptop", "received"),
        ("RT-000002", "SN-00001", "laptop", "received"),
        ("RT-000003", "SN-00002", "laptop", "received"),
    ]
    assert response.headers["Location"] == f"{API}/donations/{answer['id']}"
    assert caller.get(f"/donations/{answer['id']}").json == answer
    assert _count(DeviceEvent) == 3


def test_numbers_continue_from_one_donation_to_the_next(api):
    caller = api("workshop")
    caller.post("/donations", json=donation_body(2))
    second = donation_body(1)
    second["devices"] = [device_row(99, type="monitor", weight_kg=4.5, ram_gb="8")]
    answer = caller.post("/donations", json=second).json
    assert answer["reference"] == "DON-2025-0002"
    assert [d["asset_tag"] for d in answer["devices"]] == ["RT-000003"]
    device = caller.get("/devices/RT-000003").json
    assert (device["type"], device["weight_kg"], device["ram_gb"]) == ("monitor", 4.5, 8)


def test_one_bad_device_among_good_ones_records_nothing_and_names_each_problem(api):
    body = donation_body(5)
    del body["devices"][1]["serial"]
    body["devices"][3]["type"] = "toaster"
    body["devices"][4]["year"] = 1850
    fields = _assert_invalid(
        api("coordinator").post("/donations", json=body),
        "devices[1].serial",
        "devices[3].type",
        "devices[4].year",
    )
    assert len(fields) == 3
    assert "toaster" in fields["devices[3].type"]
    _assert_nothing_recorded()


def test_a_serial_twice_in_the_batch_or_already_in_stock_is_refused(api):
    caller = api("coordinator")
    caller.post("/donations", json=donation_body(1))
    body = donation_body(0)
    body["devices"] = [device_row(7), device_row(0), device_row(7)]
    fields = _assert_invalid(
        caller.post("/donations", json=body), "devices[1].serial", "devices[2].serial"
    )
    assert "RT-000001" in fields["devices[1].serial"]
    assert "devices[0]" in fields["devices[2].serial"]
    assert _count(Donation) == 1


def test_the_donor_the_date_and_the_devices_are_checked_together(api):
    body = donation_body(1, received_on="2099-01-01")
    body["donor"] = {"name": "", "siret": "12345678901234", "kind": "alien"}
    body["devices"][0]["serial"] = ""
    _assert_invalid(
        api("coordinator").post("/donations", json=body),
        "donor.name",
        "donor.siret",
        "donor.kind",
        "received_on",
        "devices[0].serial",
    )
    _assert_nothing_recorded()


def test_the_shape_of_the_body_is_checked_before_anything_else(api):
    caller = api("coordinator")
    body = donation_body(3, notes=["not", "text"])
    body["devices"][1] = "RT-1"
    body["devices"][2]["brand"] = {"name": "Dell"}
    body["donor"]["contact_name"] = "x" * 121
    _assert_invalid(
        caller.post("/donations", json=body),
        "devices[1]",
        "devices[2].brand",
        "donor.contact_name",
        "notes",
    )
    _assert_invalid(
        caller.post("/donations", json={"donor": "ACME", "devices": {}}), "donor", "devices"
    )
    _assert_invalid(caller.post("/donations", json={}), "donor", "devices")
    _assert_invalid(caller.post("/donations", json=donation_body(0)), "devices")
    _assert_nothing_recorded()


def test_more_than_5000_devices_in_one_call_are_refused(api):
    body = donation_body(0)
    body["devices"] = [device_row(index) for index in range(5001)]
    fields = _assert_invalid(api("coordinator").post("/donations", json=body), "devices")
    assert "5000" in fields["devices"]
    _assert_nothing_recorded()


def test_a_body_that_is_not_a_json_object_gets_400(api):
    caller = api("coordinator")
    for data in ("[1, 2]", '"donation"', "null"):
        response = caller.post("/donations", data=data, content_type="application/json")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "bad_request"
    response = caller.post("/donations", data="{'donor':", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "The body is not valid JSON."
    response = caller.post("/donations", data='{"devices": NaN}', content_type="application/json")
    assert response.status_code == 400
    _assert_nothing_recorded()


def test_a_body_that_is_not_sent_as_json_gets_415(api):
    caller = api("coordinator")
    response = caller.post("/donations", data={"donor": "ACME"})
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert caller.post("/donations").status_code == 415


def test_text_a_database_cannot_store_is_refused_not_a_server_error(api):
    caller = api("coordinator")
    for bad in ("Dell\u0000", "\ud800"):
        body = donation_body(1)
        body["devices"][0]["brand"] = bad
        response = caller.post("/donations", json=body)
        assert response.status_code == 422
        assert "devices.0.brand" in response.json["error"]["fields"]
    _assert_nothing_recorded()


def test_an_unknown_donation_is_404(api):
    caller = api("viewer")
    for number in ("999999", str(2**63), "-1", "DON-2025-0001"):
        response = caller.get(f"/donations/{number}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
