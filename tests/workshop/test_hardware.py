"""Hardware reports produced on a real machine (Debian 12's lshw B.02.19 and smartmontools 7.3,
run on this project's build VM: ``lshw -json -quiet``, ``smartctl --json -a /dev/vda``)."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.workshop.hardware import read_reports

DATA = Path(__file__).parent / "data" / "hardware"
LSHW = (DATA / "lshw.json").read_bytes()
SMART = (DATA / "smartctl-vda.json").read_bytes()  # a virtio disk: smartctl cannot tell its type


def test_lshw_gives_the_processor_and_the_memory():
    report = read_reports([LSHW])
    assert report.cpu == "AMD EPYC" and report.ram_gb == 24
    assert report.serial == ""  # a virtual machine has none


def test_a_drive_smartctl_cannot_read_is_noted_not_invented():
    report = read_reports([SMART])
    assert report.disks == [] and report.storage_health is None
    assert "Unable to detect device type" in report.notes[0]


def test_the_battery_health_from_upower_or_sysfs():
    # This machine has no battery: these are the two tools' output formats, trimmed.
    upower = b"  battery\n    present:             yes\n    capacity:            81,2%\n"
    sysfs = b"POWER_SUPPLY_ENERGY_FULL_DESIGN=57000000\nPOWER_SUPPLY_ENERGY_FULL=45600000\n"
    assert read_reports([upower]).battery_health_pct == 81
    assert read_reports([sysfs]).battery_health_pct == 80


def test_a_file_that_is_no_report_is_refused():
    with pytest.raises(ValueError):
        read_reports([b"hello"])


def _api(client, make_user):
    token = create_token(make_user("workshop"))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_fills_the_missing_specs_through_a_correction(client, make_user, make_device):
    headers = _api(client, make_user)
    device = make_device("in_workshop", ram_gb="8")  # the donor gave the memory, not the CPU
    response = client.post(
        f"/api/v1/devices/{device.asset_tag}/hardware",
        data={"file": [(io.BytesIO(LSHW), "lshw.json"), (io.BytesIO(SMART), "smart-vda.json")]},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["filled"] == {"cpu": "AMD EPYC"}  # the donor's 8 GB is kept
    assert response.json["serial_mismatch"] is None and response.json["notes"]
    event = db.session.scalars(
        sa.select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id)
        .order_by(DeviceEvent.seq.desc())
    ).first()
    assert event.action == "correct_details"
    assert event.payload["changes"]["cpu"] == {"old": None, "new": "AMD EPYC"}


def test_a_serial_mismatch_is_flagged_never_written_over(client, make_user, make_device):
    headers = _api(client, make_user)
    device = make_device("in_workshop", serial="ABC123")
    lshw = LSHW.replace(b'"class" : "system",', b'"class" : "system",\n  "serial" : "XYZ999",', 1)
    assert b"XYZ999" in lshw
    response = client.post(
        f"/api/v1/devices/{device.asset_tag}/hardware", data=lshw, headers=headers
    )
    assert response.json["serial_mismatch"] == {"reported": "XYZ999", "recorded": "ABC123"}
    db.session.expire_all()
    assert db.session.get(Device, device.id).serial == "ABC123"


def test_the_device_page_reads_the_report_and_opens_the_diagnostics(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert 'name="file" multiple' in page
    upower = b"    capacity:            77%\n"
    response = client.post(
        f"/devices/{device.asset_tag}/hardware",
        data={
            "file": [(DATA / "lshw.json").open("rb"), (__import__("io").BytesIO(upower), "b.txt")]
        },
    )
    assert response.status_code == 302 and "battery_health_pct=77" in response.location
    page = client.get(response.location).text
    assert 'id="record_diagnostics-battery_health_pct"' in page and 'value="77"' in page
    assert "AMD EPYC" in page


def test_an_empty_upload_is_refused_on_the_page(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    response = client.post(f"/devices/{device.asset_tag}/hardware", data={}, follow_redirects=True)
    assert "Choose the report files" in response.text
