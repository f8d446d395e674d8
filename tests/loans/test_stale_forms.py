"""A page form that carries a version refuses it malformed or missing: the stale check holds."""

from __future__ import annotations

import io

import pytest

from reuse_tracker.devices.models import DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Wave

BAD_VERSIONS = ["²", "8¹", "٣", "", "-1", "1e20", str(2**31), None]


def _events(device) -> int:
    return db.session.query(DeviceEvent).filter_by(device_id=device.id).count()


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_device_action_without_a_good_version_is_refused(client, login, make_device, version):
    login("workshop")
    device = make_device("in_workshop")
    before = _events(device)
    data = {"result": "passed", **({} if version is None else {"version": version})}
    response = client.post(
        f"/devices/{device.asset_tag}/actions/record_diagnostics", data=data, follow_redirects=True
    )
    assert response.status_code == 200
    assert "out of date" in response.text
    assert _events(device) == before
    good = client.post(
        f"/devices/{device.asset_tag}/actions/record_diagnostics",
        data={"result": "passed", "version": str(device.version)},
    )
    assert good.status_code == 302
    assert _events(device) == before + 1


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_wave_edit_without_a_good_version_is_refused(client, login, make_wave, version):
    login("coordinator")
    wave = make_wave(name="Vague d'origine")
    data = {"name": "Renommée", "starts_on": "2031-09-01", "target_laptop": "12"}
    if version is not None:
        data["version"] = version
    response = client.post(f"/waves/{wave.id}/edit", data=data)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Wave, wave.id).name == "Vague d'origine"


@pytest.mark.parametrize("version", ["²", "", None])
def test_an_nwipe_upload_without_a_good_version_is_refused(client, login, make_device, version):
    from tests.workshop.helpers import log

    login("workshop")
    device = make_device("in_workshop")
    before = _events(device)
    data = {"log": (io.BytesIO(log("0.42/zero_verify_last.log")), "nwipe.log")}
    if version is not None:
        data["version"] = version
    response = client.post(
        f"/devices/{device.asset_tag}/nwipe", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert _events(device) == before
