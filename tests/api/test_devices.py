"""GET /devices/<tag> and GET /stock."""

from __future__ import annotations

import pytest

from reuse_tracker.api import serializers
from reuse_tracker.features import DuplicateRegistration, add_device_section, registry

DEVICE_KEYS = {
    "asset_tag",
    "type",
    "brand",
    "model",
    "serial",
    "donor_asset_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "year",
    "weight_kg",
    "grade",
    "os",
    "status",
    "version",
    "donation",
    "allowed_actions",
    "events",
    "current_loan",
}


def test_a_device_is_answered_with_its_history_and_the_callers_next_actions(api, make_device):
    device = make_device("received", cpu="i5-8350U", ram_gb=8, weight_kg="1.6")
    answer = api("workshop").get(f"/devices/{device.asset_tag.lower()}").json
    assert set(answer) == DEVICE_KEYS
    assert answer["asset_tag"] == device.asset_tag
    assert (answer["status"], answer["version"], answer["grade"]) == ("received", 1, None)
    assert (answer["cpu"], answer["ram_gb"], answer["weight_kg"]) == ("i5-8350U", 8, 1.6)
    assert answer["donation"]["reference"].startswith("DON-2026-")
    assert answer["allowed_actions"] == [
        "start_reconditioning",
        "harvest",
        "recycle",
        "correct_details",
    ]
    assert answer["current_loan"] is None
    [intake] = answer["events"]
    assert intake["seq"] == 1 and intake["action"] == "intake"
    assert (intake["from_status"], intake["to_status"]) == (None, "received")
    assert intake["payload"]["serial"] == device.serial
    assert intake["actor"] is None
    assert intake["created_at"].endswith("+00:00")


def test_a_mediator_reads_a_device_but_is_offered_no_workshop_action(api, make_device):
    device = make_device("received")
    response = api("mediator").get(f"/devices/{device.asset_tag}")
    assert response.status_code == 200
    assert response.json["allowed_actions"] == []


def test_a_device_in_the_workshop_says_what_it_lacks_to_be_ready(api, make_device):
    device = make_device("in_workshop")
    answer = api("coordinator").get(f"/devices/{device.asset_tag}").json
    assert [item["code"] for item in answer["missing_for_ready"]] == [
        "erasure",
        "diagnostics",
        "grade",
    ]
    assert all(item["message"] for item in answer["missing_for_ready"])
    assert "mark_ready" not in answer["allowed_actions"]  # offered once nothing is missing
    assert [e["action"] for e in answer["events"]] == ["intake", "start_reconditioning"]


@pytest.mark.parametrize("tag", ["RT-999999", "%00", "x" * 200])
def test_an_unknown_tag_is_404(api, tag):
    response = api("viewer").get(f"/devices/{tag}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_a_device_costs_the_same_queries_however_long_its_history(api, make_device, count_queries):
    caller = api("viewer")
    tags = [make_device("received").asset_tag, make_device("ready").asset_tag]
    caller.get("/stock")  # the token's last use is now recorded: no write below
    counts = []
    for tag in tags:
        with count_queries() as statements:
            assert caller.get(f"/devices/{tag}").status_code == 200
        counts.append(len(statements))
    # token and user, device with its donation, events
    assert counts == [3, 3], counts


def test_a_feature_can_add_its_part_to_the_device_answer(app, api, make_device, monkeypatch):
    sections = registry(app).device_sections
    monkeypatch.setitem(
        sections, "current_loan", (lambda device, user: {"for": getattr(user, "role", None)}, None)
    )
    device = make_device("received")
    answer = api("mediator").get(f"/devices/{device.asset_tag}").json
    assert answer["current_loan"] == {"for": "mediator"}
    with pytest.raises(DuplicateRegistration):
        add_device_section(app, "current_loan", lambda device, user: None)
    monkeypatch.setitem(sections, "status", (lambda device, user: None, None))
    with pytest.raises(ValueError, match="core part"):
        serializers.device(device, None)


def test_stock_counts_devices_by_status_and_type(api, make_device):
    make_device("received")
    make_device("received", type="desktop")
    make_device("in_workshop")
    make_device("recycled", type="monitor")
    answer = api("viewer").get("/stock").json
    assert answer["total"] == 4
    assert answer["by_status"]["received"] == 2
    assert answer["by_status"]["in_workshop"] == 1
    assert answer["by_status"]["ready"] == 0
    assert answer["by_type"] == {
        "laptop": 2,
        "desktop": 1,
        "monitor": 1,
        "tablet": 0,
        "smartphone": 0,
    }
    assert answer["table"]["received"] == {
        "laptop": 1,
        "desktop": 1,
        "monitor": 0,
        "tablet": 0,
        "smartphone": 0,
    }
    assert answer["table"]["recycled"]["monitor"] == 1
