"""Erasure records per disk, the readiness guards they feed, and nwipe logs read in."""

import io

import pytest

from reuse_tracker.devices import readiness, services
from reuse_tracker.errors import ConflictError, ValidationError
from tests.workshop.helpers import (
    DESTROYED,
    DIAGNOSED,
    ERASED,
    FAILED,
    GRADED,
    UNVERIFIED,
    act,
    english,
    events,
    log,
    reload,
)


def test_from_received_to_ready_with_two_disks(make_device, make_user):
    tech = make_user("workshop")
    device = make_device("received")
    act(device, "start_reconditioning", actor=tech)
    act(
        device,
        "record_erasure",
        {
            **ERASED,
            "storage_serial": " s3z9 nb0k ",
            "storage_model": "Samsung SSD 860",
            "storage_size_gb": "250",
            "started_at": "2021-03-12T09:13",
            "ended_at": "2021-03-12 10:38:50",
        },
        tech,
    )
    act(device, "record_erasure", {**DESTROYED, "storage_serial": "WD-123"}, tech)
    act(device, "record_diagnostics", DIAGNOSED, tech)
    act(device, "grade", GRADED, tech)
    act(device, "mark_ready", actor=tech)
    assert reload(device).status == "ready"
    first = events(device, "record_erasure")[0].payload
    assert first["storage_serial"] == "S3Z9 NB0K" and first["storage_size_gb"] == 250
    assert first["ended_at"] == "2021-03-12T10:38:50"
    assert events(device, "grade")[0].payload["image_version"] == "atelier-2021.03"


def test_one_failed_disk_of_two_keeps_the_device_out_of_ready_until_erased_again(make_device):
    device = make_device("in_workshop")
    act(device, "record_erasure", {**ERASED, "storage_serial": "DISK-A"})
    act(device, "record_erasure", {**FAILED, "storage_serial": "DISK-B"})
    act(device, "record_diagnostics", DIAGNOSED)
    act(device, "grade", GRADED)
    assert readiness.missing_codes(device) == ["erasure_failed"]
    with pytest.raises(ConflictError) as refused:
        services.perform(device, "mark_ready", {}, actor=None)
    assert "erasure" in refused.value.fields["mark_ready"]
    act(device, "record_erasure", {**ERASED, "storage_serial": "disk-b"})
    act(device, "mark_ready")
    assert reload(device).status == "ready"


@pytest.mark.parametrize("record", [FAILED, UNVERIFIED])
def test_a_failed_or_unverified_erasure_never_makes_a_device_ready(make_device, record):
    device = make_device("in_workshop")
    act(device, "record_erasure", record)
    act(device, "record_diagnostics", DIAGNOSED)
    act(device, "grade", GRADED)
    assert readiness.missing_codes(device) == ["erasure_failed"]


def test_mark_ready_explains_what_is_missing_on_the_page_and_in_the_api(
    client, login, make_device, make_user
):
    from reuse_tracker.auth.services import create_token
    from reuse_tracker.extensions import db

    user = login("workshop")
    english(client)
    device = make_device("in_workshop")
    act(device, "record_erasure", FAILED)
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "the latest erasure of a storage failed or was not verified" in page
    assert "no diagnostics recorded" in page and "no cosmetic grade" in page
    token = create_token(user)
    db.session.commit()
    response = client.post(
        f"/api/v1/devices/{device.asset_tag}/actions/mark_ready",
        headers={"Authorization": f"Bearer {token}"},
        json={},
    )
    assert response.status_code == 409
    assert "erasure" in response.json["error"]["fields"]["mark_ready"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({**ERASED, "method": "destroy"}, "technique"),
        ({**DESTROYED, "method": "purge"}, "technique"),
        ({**ERASED, "started_at": "2021-03-12T10:00", "ended_at": "2021-03-12T09:00"}, "ended_at"),
        ({**ERASED, "started_at": "yesterday"}, "started_at"),
        ({**ERASED, "storage_size_gb": "-1"}, "storage_size_gb"),
    ],
)
def test_inconsistent_erasures_are_refused_naming_the_field(make_device, data, field):
    device = make_device("in_workshop")
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "record_erasure", data, actor=None)
    assert field in refused.value.fields


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
    response = _upload(client, device, "nwipe_2021-03-12.log", log("nwipe_two_disks.log"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/devices/{device.asset_tag}"
    ssd, hdd = (event.payload for event in events(device, "record_erasure"))
    assert ssd == {
        "method": "clear",
        "technique": "overwrite",
        "tool": "nwipe",
        "tool_version": "0.34",
        "verification": "full",
        "result": "passed",
        "storage_serial": "S3Z9NB0K123456A",
        "storage_model": "Samsung SSD 860 EVO 250GB",
        "storage_size_gb": 250,
        "tool_method": "PRNG Stream, 1R, verify last",
        "started_at": "2021-03-12T09:13:46",
        "ended_at": "2021-03-12T10:38:50",
        "notes": "nwipe log nwipe_2021-03-12.log: erased",
    }
    assert (hdd["storage_serial"], hdd["result"]) == ("W6209XYZ", "failed")
    assert all(event.actor_id == tech.id for event in events(device, "record_erasure"))
    page = client.get(response.headers["Location"]).text
    assert "2 disks recorded from the nwipe log. 1 failed" in page
    assert readiness.missing_codes(reload(device))[0] == "erasure_failed"


def test_an_aborted_wipe_is_recorded_as_failed(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    _upload(client, device, "abort.log", log("nwipe_user_abort.log"))
    (record,) = events(device, "record_erasure")
    assert record.payload["result"] == "failed"
    assert record.payload["verification"] == "full"
    assert "aborted" in record.payload["notes"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"just some text\n",
        log("nwipe_unfinished.log"),
        log("nwipe_two_disks.log").replace(b"| 02:38:15 |", b"| ??? |"),
    ],
)
def test_a_malformed_nwipe_log_is_refused_with_the_reason_and_records_nothing(
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
    response = _upload(client, device, "ok.log", log("nwipe_two_disks.log"))
    assert response.status_code == 302
    assert events(device, "record_erasure") == []


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
    response = _upload(client, device, "ok.log", log("nwipe_two_disks.log"))
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
