"""POST /devices/<tag>/actions/<action>: the one route for every action."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import actions, lifecycle
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from tests.conftest import ERASURE


def _device_row(tag: str) -> tuple[str, int]:
    db.session.expire_all()
    device = db.session.scalar(sa.select(Device).where(Device.asset_tag == tag))
    return device.status, device.version


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    return response.json["error"]


def test_the_whole_workshop_path_through_the_api(api, make_device):
    caller = api("workshop")
    tag = make_device("received").asset_tag
    steps = [
        ("start_reconditioning", {"notes": "Poste 3"}),
        (
            "record_erasure",
            {**ERASURE, "tool": "nwipe", "tool_version": "0.35", "storage_serial": "S3Z9NB0K"},
        ),
        (
            "record_diagnostics",
            {"result": "passed", "checks": {"screen": "passed"}, "battery_health_pct": 81},
        ),
        ("grade", {"grade": "B", "os": "Linux Mint 22"}),
        ("mark_ready", None),
    ]
    for version, (action, fields) in enumerate(steps, start=1):
        response = caller.act(tag, action, {**(fields or {}), "expected_version": version})
        assert response.status_code == 200, (action, response.json)
        assert response.json["version"] == version + 1
    answer = response.json
    assert (answer["status"], answer["grade"], answer["os"]) == ("ready", "B", "Linux Mint 22")
    assert "missing_for_ready" not in answer
    # Reserving needs the loans feature; a correction of its details stays possible.
    assert answer["allowed_actions"] == ["correct_details"]
    events = answer["events"]
    assert [e["action"] for e in events] == ["intake", *[action for action, _ in steps]]
    assert events[2]["payload"]["storage_serial"] == "S3Z9NB0K"
    assert events[3]["payload"]["battery_health_pct"] == 81
    assert {e["actor"]["id"] for e in events[1:]} == {caller.user_id}
    assert (events[-1]["from_status"], events[-1]["to_status"]) == ("in_workshop", "ready")


def test_mark_ready_is_refused_with_what_is_missing_until_the_guards_pass(api, make_device):
    caller = api("workshop")
    tag = make_device("in_workshop").asset_tag
    error = _assert_error(caller.act(tag, "mark_ready"), 409, "conflict")
    missing = error["fields"]["mark_ready"]
    assert "erasure" in missing and "diagnostics" in missing and "grade" in missing
    caller.act(tag, "record_erasure", ERASURE)
    caller.act(tag, "record_diagnostics", {"result": "failed"})
    missing = _assert_error(caller.act(tag, "mark_ready"), 409, "conflict")["fields"]["mark_ready"]
    assert "erasure" not in missing and "diagnostics failed" in missing and "grade" in missing
    assert _device_row(tag) == ("in_workshop", 4)
    caller.act(tag, "record_diagnostics", {"result": "passed"})
    caller.act(tag, "grade", {"grade": "A"})
    assert caller.act(tag, "mark_ready").json["status"] == "ready"


def test_a_stale_expected_version_is_409_and_changes_nothing(api, make_device):
    caller = api("workshop")
    tag = make_device("in_workshop").asset_tag
    _assert_error(caller.act(tag, "grade", {"grade": "A", "expected_version": 1}), 409, "conflict")
    assert _device_row(tag) == ("in_workshop", 2)
    error = _assert_error(
        caller.act(tag, "grade", {"grade": "A", "expected_version": "2"}), 422, "validation_error"
    )
    assert set(error["fields"]) == {"expected_version"}
    assert caller.act(tag, "grade", {"grade": "A", "expected_version": 2}).status_code == 200


def test_an_action_not_allowed_in_the_current_state_is_409(api, make_device):
    tag = make_device("received").asset_tag
    error = _assert_error(api("workshop").act(tag, "grade", {"grade": "A"}), 409, "conflict")
    assert tag in error["message"]
    assert _device_row(tag) == ("received", 1)


def test_an_unknown_or_unavailable_action_is_404(api, make_device):
    tag = make_device("received").asset_tag
    caller = api("admin")
    unavailable = set(lifecycle.ACTIONS) - set(actions.available_actions())
    assert "intake" in unavailable  # only a donation's registration performs it
    for action in ["teleport", "Start_Reconditioning", *sorted(unavailable)]:
        _assert_error(caller.act(tag, action, {}), 404, "not_found")
    assert _device_row(tag) == ("received", 1)


def test_an_action_on_an_unknown_device_is_404(api):
    _assert_error(api("workshop").act("RT-424242", "harvest"), 404, "not_found")


def test_bad_fields_are_422_naming_each_and_change_nothing(api, make_device):
    caller = api("workshop")
    tag = make_device("in_workshop").asset_tag
    error = _assert_error(
        caller.act(tag, "record_erasure", {"method": "shred", "tool": ""}), 422, "validation_error"
    )
    assert set(error["fields"]) == {"method", "technique", "tool", "verification", "result"}
    error = _assert_error(
        caller.act(tag, "record_erasure", {**ERASURE, "method": ["purge"]}), 422, "validation_error"
    )
    assert set(error["fields"]) == {"method"}
    error = _assert_error(
        caller.act(tag, "record_diagnostics", {"result": "passed", "battery_health_pct": 140}),
        422,
        "validation_error",
    )
    assert set(error["fields"]) == {"battery_health_pct"}
    assert _device_row(tag) == ("in_workshop", 2)


def test_a_body_that_is_not_a_json_object_is_refused(api, make_device):
    caller = api("workshop")
    tag = make_device("received").asset_tag
    path = f"/devices/{tag}/actions/start_reconditioning"
    response = caller.post(path, data="{notes:", content_type="application/json")
    assert _assert_error(response, 400, "bad_request")["message"] == "The body is not valid JSON."
    _assert_error(caller.post(path, data="[]", content_type="application/json"), 400, "bad_request")
    _assert_error(
        caller.post(path, data="notes=x", content_type="text/plain"), 415, "unsupported_media_type"
    )
    assert _device_row(tag) == ("received", 1)
    assert caller.post(path).status_code == 200  # no body at all: an action without fields


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_a_role_without_the_right_gets_403_and_nothing_changes(api, make_device, role):
    tag = make_device("received").asset_tag
    _assert_error(api(role).act(tag, "start_reconditioning"), 403, "forbidden")
    assert _device_row(tag) == ("received", 1)


def test_two_concurrent_requests_cannot_both_perform_the_same_action(app, api, make_device):
    """Two clients, each in its own thread and application context, send the same action."""
    tag = make_device("received").asset_tag
    callers = [api("workshop"), api("coordinator")]
    db.session.remove()
    ready = threading.Barrier(len(callers))
    statuses: list[int] = []

    def send(caller) -> None:
        with app.app_context():
            client = app.test_client()
            ready.wait(timeout=10)
            response = client.post(
                f"/api/v1/devices/{tag}/actions/start_reconditioning",
                json={},
                headers=caller.headers(),
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(caller,)) for caller in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    assert _device_row(tag) == ("in_workshop", 2)
    actions = db.session.scalars(
        sa.select(DeviceEvent.action).join(Device).where(Device.asset_tag == tag)
    ).all()
    assert sorted(actions) == ["intake", "start_reconditioning"]
