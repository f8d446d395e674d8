"""Erasure records per disk and the readiness guards they feed (nwipe logs: test_nwipe_upload)."""

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
        ({**ERASED, "log_sha256": "not-a-digest"}, "log_sha256"),
        ({**ERASED, "log_sha256": "ab" * 31 + "zz"}, "log_sha256"),
    ],
)
def test_inconsistent_erasures_are_refused_naming_the_field(make_device, data, field):
    device = make_device("in_workshop")
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "record_erasure", data, actor=None)
    assert field in refused.value.fields
