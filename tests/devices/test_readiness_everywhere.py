"""One readiness rule: the page, the API, the scan station and the board agree with perform()."""

from __future__ import annotations

import pytest

from reuse_tracker.devices import readiness, services
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.vocabulary import DeviceType
from reuse_tracker.workshop import board
from tests.api.conftest import api  # noqa: F401  (the API callers' fixture, shared)
from tests.conftest import ERASURE

FAILED_ERASURE = {**ERASURE, "result": "failed"}
DIAGNOSED = {"result": "passed"}
FAILED_DIAGNOSTICS = {"result": "failed"}
GRADED = {"grade": "B"}

#: Workshop histories after start_reconditioning, each a different state of the guards.
HISTORIES = {
    "nothing": [],
    "diagnosed and graded": [("record_diagnostics", DIAGNOSED), ("grade", GRADED)],
    "erased, diagnosed and graded": [
        ("record_erasure", ERASURE),
        ("record_diagnostics", DIAGNOSED),
        ("grade", GRADED),
    ],
    "failed erasure": [
        ("record_erasure", FAILED_ERASURE),
        ("record_diagnostics", DIAGNOSED),
        ("grade", GRADED),
    ],
    "failed diagnostics": [
        ("record_erasure", ERASURE),
        ("record_diagnostics", FAILED_DIAGNOSTICS),
        ("grade", GRADED),
    ],
}


def _surfaces(client, call, device) -> dict[str, bool]:
    """What each surface says of ``mark_ready`` now: offered (True) or not."""
    tag = device.asset_tag
    answer = call("workshop").get(f"/devices/{tag}").json
    page = client.get(f"/devices/{tag}").text
    card = client.get("/scan/lookup", query_string={"code": tag}).json["device"]
    columns = {step: {row.asset_tag for row in rows} for step, rows in board.queue(500).items()}
    return {
        "api allowed_actions": "mark_ready" in answer["allowed_actions"],
        "api missing_for_ready": not answer.get("missing_for_ready"),
        "device page": f'action="/devices/{tag}/actions/mark_ready"' in page,
        "scan station": any(item["action"] == "mark_ready" for item in card["actions"]),
        "scan suggestion": card["suggested"] == "mark_ready",
        "board": tag in columns["to_mark_ready"],
        "readiness": readiness.missing_codes(device) == [],
    }


@pytest.mark.parametrize("history", list(HISTORIES))
@pytest.mark.parametrize("kind", list(DeviceType))
def test_every_surface_agrees_with_perform(client, login, api, make_device, kind, history):  # noqa: F811
    login("workshop")
    device = make_device("in_workshop", type=kind)
    for action, data in HISTORIES[history]:
        services.perform(device, action, data, actor=None)
    db.session.commit()
    said = _surfaces(client, api, device)
    try:
        services.perform(device, "mark_ready", {}, actor=None)
        performed = True
    except ConflictError:
        performed = False
    db.session.rollback()
    assert said == dict.fromkeys(said, performed), (kind, history, said)
    expected = history == "erased, diagnosed and graded" or (
        history == "diagnosed and graded" and not readiness.has_storage(kind)
    )
    assert performed is expected
