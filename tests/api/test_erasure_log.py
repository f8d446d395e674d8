"""POST /devices/<tag>/erasure-log: an nwipe log read in through the API, as on the device page."""

from __future__ import annotations

import io

import pytest

from reuse_tracker.workshop import erasure_import
from tests.api.spec_check import assert_answer_matches, fetch_spec
from tests.workshop.helpers import corpus_text, events, log, reload

PATH = "/devices/{asset_tag}/erasure-log"
#: A real log of nwipe 0.42: loop0 erased, loop1 failed.
TWO_DISKS = "0.42/two_disks_one_failing.log"
UNFINISHED = corpus_text("0.42/zero_verify_last.log").split("*** Error Summary")[0].encode()
ENGLISH = {"Accept-Language": "en"}


def _send_text(caller, device, content: bytes, query: str = ""):
    return caller.post(
        f"/devices/{device.asset_tag}/erasure-log{query}",
        data=content,
        headers={**ENGLISH, "Content-Type": "text/plain; charset=utf-8"},
    )


def _send_file(caller, device, content: bytes, name: str = "nwipe.log", **fields):
    return caller.post(
        f"/devices/{device.asset_tag}/erasure-log",
        data={"file": (io.BytesIO(content), name), **fields},
        headers=ENGLISH,
        content_type="multipart/form-data",
    )


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    return response.json["error"]


def _assert_nothing_recorded(device) -> None:
    assert events(device, "record_erasure") == []
    assert reload(device).version == device.version


def test_a_raw_log_records_every_disk_and_answers_the_device_and_its_records(
    api, client, make_device
):
    caller = api("workshop")
    device = make_device("in_workshop")
    response = _send_text(caller, device, log(TWO_DISKS), "?filename=sdb.log")
    assert response.status_code == 201, response.json
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    answer = response.json
    assert answer["device"] == caller.get(f"/devices/{device.asset_tag}").json
    assert answer["device"]["missing_for_ready"][0]["code"] == "erasure_failed"
    good, bad = answer["erasures"]
    assert [record["action"] for record in answer["erasures"]] == ["record_erasure"] * 2
    assert good["payload"]["storage_serial"] == "NW042-LOOP0"
    assert good["payload"]["notes"] == "nwipe log sdb.log: erased"
    assert (bad["payload"]["storage_serial"], bad["payload"]["result"]) == ("NW042-LOOP1", "failed")
    assert good["actor"]["id"] == caller.user_id
    assert answer["warnings"] == []
    assert [record["seq"] for record in answer["erasures"]] == [
        event.seq for event in events(device, "record_erasure")
    ]


def test_the_api_and_the_page_record_the_same_erasures(api, client, login, make_device):
    by_page, by_api = make_device("in_workshop"), make_device("in_workshop")
    response = _send_file(api("workshop"), by_api, log(TWO_DISKS), "run.log")
    assert response.status_code == 201, response.json
    login("workshop")
    client.post("/lang/en")
    client.post(
        f"/devices/{by_page.asset_tag}/nwipe",
        data={"log": (io.BytesIO(log(TWO_DISKS)), "run.log"), "version": str(by_page.version)},
        content_type="multipart/form-data",
    )
    page_records = [event.payload for event in events(by_page, "record_erasure")]
    assert len(page_records) == 2
    assert [event.payload for event in events(by_api, "record_erasure")] == page_records


def test_an_aborted_wipe_is_recorded_as_failed(api, make_device):
    device = make_device("in_workshop")
    response = _send_text(api("workshop"), device, log("0.42/abort.log"))
    assert response.status_code == 201, response.json
    (record,) = response.json["erasures"]
    assert record["payload"]["result"] == "failed"
    assert "aborted" in record["payload"]["notes"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"just some text\n", "not_a_log"),
        (UNFINISHED, "unfinished"),
        (log(TWO_DISKS).replace(b"| 00:00:20 |", b"| ??? |"), "bad_row"),
        (log(TWO_DISKS).replace(b"NW042-LOOP0", b"XXXXXXXXXXX"), "no_serial"),
        (log("0.42/quiet.log"), "no_serial"),
        (log("0.42/verify_zero.log"), "verify_only"),
        (log("0.42/abort_before_start.log"), "not_started"),
        (log("0.17/abort.log"), "unfinished"),
    ],
)
@pytest.mark.parametrize("send", [_send_text, _send_file])
def test_a_malformed_log_is_422_with_the_parsers_reason_and_records_nothing(
    api, client, make_device, content, reason, send
):
    device = make_device("in_workshop")
    response = send(api("workshop"), device, content)
    error = _assert_error(response, 422, "validation_error")
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    assert error["message"].startswith("The nwipe log was refused: ")
    expected = str(erasure_import.REFUSALS[reason]).split("%(")[0]
    assert error["fields"]["log"].startswith(expected)
    assert error["fields"]["log"] in error["message"]
    _assert_nothing_recorded(device)


def test_one_refused_disk_leaves_no_disk_recorded(api, make_device, monkeypatch):
    original = erasure_import.erasure_data

    def second_disk_destroyed(disk, *args):
        data = original(disk, *args)
        return {**data, "method": "destroy"} if disk.serial == "NW042-LOOP1" else data

    monkeypatch.setattr(erasure_import, "erasure_data", second_disk_destroyed)
    device = make_device("in_workshop")
    response = _send_text(api("workshop"), device, log(TWO_DISKS))
    assert "technique" in _assert_error(response, 422, "validation_error")["fields"]
    _assert_nothing_recorded(device)


def test_a_multipart_upload_without_the_file_field_is_422(api, make_device):
    device = make_device("in_workshop")
    response = api("workshop").post(
        f"/devices/{device.asset_tag}/erasure-log",
        data={"log": (io.BytesIO(log(TWO_DISKS)), "nwipe.log")},
        headers=ENGLISH,
        content_type="multipart/form-data",
    )
    assert set(_assert_error(response, 422, "validation_error")["fields"]) == {"file"}
    _assert_nothing_recorded(device)


@pytest.mark.parametrize("content_type", ["application/json", "application/octet-stream", None])
def test_a_body_of_another_type_is_415(api, client, make_device, content_type):
    device = make_device("in_workshop")
    headers = {**ENGLISH, "Content-Type": content_type} if content_type else ENGLISH
    response = api("workshop").post(
        f"/devices/{device.asset_tag}/erasure-log",
        data=log(TWO_DISKS) if content_type else None,
        headers=headers,
    )
    error = _assert_error(response, 415, "unsupported_media_type")
    assert "text/plain" in error["message"] and "multipart/form-data" in error["message"]
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    _assert_nothing_recorded(device)


@pytest.mark.parametrize("send", [_send_text, _send_file])
def test_a_log_over_the_upload_limit_is_413(app, api, client, make_device, monkeypatch, send):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    device = make_device("in_workshop")
    response = send(api("workshop"), device, log(TWO_DISKS))
    assert "too large" in _assert_error(response, 413, "too_large")["message"]
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    _assert_nothing_recorded(device)


def test_an_unknown_tag_is_404(api, client):
    response = api("workshop").post(
        "/devices/RT-999999/erasure-log",
        data=log(TWO_DISKS),
        headers={"Content-Type": "text/plain"},
    )
    _assert_error(response, 404, "not_found")
    assert_answer_matches(fetch_spec(client), PATH, "post", response)


def test_a_device_not_in_the_workshop_is_409_and_records_nothing(api, client, make_device):
    device = make_device("received")
    response = _send_text(api("workshop"), device, log(TWO_DISKS))
    _assert_error(response, 409, "conflict")
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    _assert_nothing_recorded(device)


def test_a_stale_expected_version_is_409_and_the_current_one_records(api, make_device):
    caller, device = api("workshop"), make_device("in_workshop")
    stale = _send_text(caller, device, log(TWO_DISKS), "?expected_version=999")
    _assert_error(stale, 409, "conflict")
    _assert_nothing_recorded(device)
    response = _send_file(caller, device, log(TWO_DISKS), expected_version=str(device.version))
    assert response.status_code == 201, response.json
    assert response.json["device"]["version"] == device.version + 2


@pytest.mark.parametrize("version", ["two", "-1", "9" * 12])
def test_an_expected_version_that_is_not_a_number_is_422(api, make_device, version):
    device = make_device("in_workshop")
    response = _send_text(api("workshop"), device, log(TWO_DISKS), f"?expected_version={version}")
    assert set(_assert_error(response, 422, "validation_error")["fields"]) == {"expected_version"}
    _assert_nothing_recorded(device)


def test_the_file_name_is_quoted_printable_and_short(api, make_device):
    device = make_device("in_workshop")
    name = "a\x00b\x1b" + "c" * 200
    response = _send_file(api("workshop"), device, log("0.42/abort.log"), name)
    assert response.status_code == 201, response.json
    notes = response.json["erasures"][0]["payload"]["notes"]
    assert notes.startswith("nwipe log ab" + "c" * (erasure_import.MAX_FILENAME - 2) + ": ")


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("coordinator", 201), ("workshop", 201), ("mediator", 403), ("viewer", 403)],
)
def test_the_roles_that_record_erasures_may_upload_a_log(api, client, make_device, role, status):
    device = make_device("in_workshop")
    response = _send_text(api(role), device, log(TWO_DISKS))
    assert response.status_code == status, response.json
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    if status == 403:
        assert response.json["error"]["code"] == "forbidden"
        _assert_nothing_recorded(device)
        malformed = _send_text(api(role), device, b"not a log")
        assert malformed.status_code == 403  # the role is checked before the file is read


def test_a_role_refused_by_the_action_service_is_refused_before_the_log_is_read(
    app, api, make_device, monkeypatch
):
    from dataclasses import replace

    from reuse_tracker.features import registry

    actions = registry(app).actions
    narrowed = replace(actions["record_erasure"], roles=("coordinator",))
    monkeypatch.setitem(actions, "record_erasure", narrowed)
    device = make_device("in_workshop")
    response = _send_text(api("workshop"), device, b"not a log")
    _assert_error(response, 403, "forbidden")
    _assert_nothing_recorded(device)


def test_the_route_is_described_with_both_kinds_of_body(client):
    operation = fetch_spec(client)["paths"][PATH]["post"]
    assert set(operation["requestBody"]["content"]) == {"text/plain", "multipart/form-data"}
    assert operation["x-roles"] == ["admin", "coordinator", "workshop"]
    assert {"201", "401", "403", "404", "409", "413", "415", "422"} == set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == [
        "asset_tag",
        "expected_version",
        "filename",
    ]


def test_the_same_log_on_a_second_device_is_recorded_and_the_answer_warns(api, client, make_device):
    caller = api("workshop")
    first, second = make_device("in_workshop"), make_device("in_workshop")
    assert _send_text(caller, first, log(TWO_DISKS)).json["warnings"] == []
    response = _send_file(caller, second, log(TWO_DISKS), "copy.log")
    assert response.status_code == 201, response.json
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    (warning,) = response.json["warnings"]
    assert (warning["code"], warning["device"]) == ("same_log", first.asset_tag)
    assert warning["message"].startswith(f"This log was already filed on device {first.asset_tag}")
    assert len(events(second, "record_erasure")) == 2


def test_the_same_disk_on_a_second_device_is_recorded_and_the_answer_warns(
    api, client, make_device
):
    caller = api("workshop")
    first, second = make_device("in_workshop"), make_device("in_workshop")
    _send_text(caller, first, log("0.42/zero_verify_last.log"))
    response = _send_text(caller, second, log(TWO_DISKS))
    assert response.status_code == 201, response.json
    assert_answer_matches(fetch_spec(client), PATH, "post", response)
    assert response.json["warnings"] == [
        {
            "code": "same_disk",
            "device": first.asset_tag,
            "serial": "NW042-LOOP0",
            "message": f"The disk NW042-LOOP0 is also in the erasure records of device "
            f"{first.asset_tag}: check that it was moved from there.",
        }
    ]


def test_a_log_of_an_old_release_is_recorded(api, make_device):
    device = make_device("in_workshop")
    response = _send_text(api("workshop"), device, log("0.20/two_disks_one_failing.log"))
    assert response.status_code == 201, response.json
    results = [record["payload"]["result"] for record in response.json["erasures"]]
    assert results == ["passed", "failed"]
    assert response.json["erasures"][0]["payload"]["tool_method"] == "PRNG Stream, 1R, verify last"
