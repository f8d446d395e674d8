"""An nwipe log uploaded on the device page: every disk recorded, all or none, warnings."""

import hashlib
import io

import pytest

from reuse_tracker.devices import readiness, services
from reuse_tracker.workshop import erasure_duplicates
from tests.workshop.helpers import (
    DIAGNOSED,
    ERASED,
    GRADED,
    act,
    corpus_text,
    english,
    events,
    log,
    reload,
)

TWO_DISKS = "0.42/two_disks_one_failing.log"


def _upload(client, device, name: str, content: bytes):
    return client.post(
        f"/devices/{device.asset_tag}/nwipe",
        data={"log": (io.BytesIO(content), name), "version": device.version},
        content_type="multipart/form-data",
    )


def test_an_nwipe_log_records_every_disk_it_wiped(client, login, make_device):
    tech = login("workshop")
    english(client)
    device = make_device("in_workshop")
    response = _upload(client, device, "nwipe_2026-12-01.log", log(TWO_DISKS))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/devices/{device.asset_tag}"
    good, bad = (event.payload for event in events(device, "record_erasure"))
    assert good == {
        "method": "clear",
        "technique": "overwrite",
        "tool": "nwipe",
        "tool_version": "0.42",
        "verification": "full",
        "result": "passed",
        "storage_serial": "NW042-LOOP0",
        "storage_model": "Loopback device",
        "tool_method": "PRNG Stream, 1R, verify last",
        "started_at": "2026-12-01T21:22:05",
        "ended_at": "2026-12-01T21:22:05",
        "log_sha256": hashlib.sha256(log(TWO_DISKS)).hexdigest(),
        "notes": "nwipe log nwipe_2026-12-01.log: erased",
    }
    assert (bad["storage_serial"], bad["result"]) == ("NW042-LOOP1", "failed")
    assert "(only 25.00 % of the disk erased)" in bad["notes"]
    assert all(event.actor_id == tech.id for event in events(device, "record_erasure"))
    page = client.get(response.headers["Location"]).text
    assert "2 disks recorded from the nwipe log. 1 failed" in page
    assert readiness.missing_codes(reload(device))[0] == "erasure_failed"


@pytest.mark.parametrize(
    ("name", "result"),
    [
        ("0.17/zero_verify_last.log", "passed"),
        ("0.26/write_errors.log", "failed"),
        ("0.28/abort.log", "failed"),
        ("0.30/zero_verify_last.log", "passed"),
        ("0.31/write_errors.log", "failed"),
        ("0.33/failed_then_erased.log", "passed"),
        ("0.42/zero_verify_last.log", "passed"),
        ("0.42/abort.log", "failed"),
    ],
)
def test_logs_of_every_era_are_recorded(client, login, make_device, name, result):
    login("workshop")
    device = make_device("in_workshop")
    _upload(client, device, "run.log", log(name))
    (record,) = events(device, "record_erasure")
    assert record.payload["result"] == result


def test_a_cleanly_erased_disk_of_0_42_lets_the_device_be_made_ready(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    _upload(client, device, "run.log", log("0.42/zero_verify_last.log"))
    act(reload(device), "record_diagnostics", DIAGNOSED)
    act(reload(device), "grade", GRADED)
    act(reload(device), "mark_ready")
    assert reload(device).status == "ready"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"just some text\n",
        corpus_text("0.42/zero_verify_last.log").split("*** Error Summary")[0].encode(),
        log("0.42/zero_verify_last.log").replace(b"| 00:00:00 |", b"| ??? |"),
        log("0.42/verify_zero.log"),
        log("0.42/quiet.log"),
    ],
)
def test_a_log_that_cannot_be_recorded_is_refused_with_the_reason_and_records_nothing(
    client, login, make_device, content
):
    login("workshop")
    english(client)
    device = make_device("in_workshop")
    response = _upload(client, device, "bad.log", content)
    assert response.status_code == 302
    assert "open=record_erasure" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "The nwipe log was refused" in page or "Choose the nwipe log" in page
    assert events(device, "record_erasure") == []
    assert reload(device).version == device.version


def test_the_second_disk_failing_leaves_nothing_recorded(client, login, make_device):
    login("workshop")
    device = make_device("received")  # not in the workshop: every record is refused
    response = _upload(client, device, "ok.log", log(TWO_DISKS))
    assert response.status_code == 302
    assert events(device, "record_erasure") == []


def test_the_same_log_filed_on_a_second_device_is_recorded_with_a_warning(
    client, login, make_device
):
    login("workshop")
    english(client)
    first, second = make_device("in_workshop"), make_device("in_workshop")
    _upload(client, first, "run.log", log(TWO_DISKS))
    response = _upload(client, second, "copy.log", log(TWO_DISKS))
    assert len(events(second, "record_erasure")) == 2
    page = client.get(response.headers["Location"]).text
    assert f"This log was already filed on device {first.asset_tag}" in page
    assert "The disk NW042-LOOP0 is also" not in page  # the same log says it all


def test_the_same_disk_in_another_log_on_a_second_device_is_recorded_with_a_warning(
    client, login, make_device
):
    login("workshop")
    english(client)
    first, second = make_device("in_workshop"), make_device("in_workshop")
    _upload(client, first, "zeros.log", log("0.42/zero_verify_last.log"))
    response = _upload(client, second, "ones.log", log("0.42/one.log"))  # the same loop0
    assert len(events(second, "record_erasure")) == 1
    page = client.get(response.headers["Location"]).text
    assert (
        f"The disk NW042-LOOP0 is also in the erasure records of device {first.asset_tag}" in page
    )
    assert "This log was already filed" not in page


def test_a_log_filed_again_on_the_same_device_gives_no_warning(client, login, make_device):
    login("workshop")
    english(client)
    device = make_device("in_workshop")
    _upload(client, device, "run.log", log(TWO_DISKS))
    response = _upload(client, reload(device), "run.log", log(TWO_DISKS))
    page = client.get(response.headers["Location"]).text
    assert "already filed" not in page and "is also in the erasure records" not in page


def test_earlier_filings_are_found_in_one_query(make_device, count_queries):
    first, second = make_device("in_workshop"), make_device("in_workshop")
    services.perform(
        first,
        "record_erasure",
        {**_erased("DISK-1"), "log_sha256": "a" * 64},
        actor=None,
    )
    assert second.id and first.asset_tag  # loaded, as in a request
    with count_queries() as statements:
        warnings = erasure_duplicates.earlier_filings(second, "a" * 64, ["DISK-1", "DISK-2"])
    assert len(statements) == 1
    assert [(w["code"], w["device"]) for w in warnings] == [("same_log", first.asset_tag)]


def _erased(serial: str) -> dict:
    return {**ERASED, "storage_serial": serial}


def test_the_device_page_offers_the_nwipe_upload(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    page = client.get(f"/devices/{device.asset_tag}?open=record_erasure").text
    assert f'action="/devices/{device.asset_tag}/nwipe"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="storage_model"' in page


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_viewers_and_mediators_cannot_record_erasures(client, login, make_device, role):
    login(role)
    device = make_device("in_workshop")
    response = _upload(client, device, "ok.log", log(TWO_DISKS))
    assert response.status_code == 403
    response = client.post(
        f"/devices/{device.asset_tag}/actions/record_erasure",
        data={**ERASED, "version": device.version},
    )
    assert response.status_code == 403
    assert events(device, "record_erasure") == []


def test_an_upload_over_the_size_limit_is_refused(app, client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/devices/{device.asset_tag}/nwipe",
        data=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert events(device, "record_erasure") == []
