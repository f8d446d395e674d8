"""The scan station without round trips: look-ups by serial or inventory number, forms in
place, and batches that record each device once."""

import sqlalchemy as sa

from reuse_tracker.devices.models import DeviceEvent
from tests.conftest import ERASURE


def _events(db_session, device, action):
    return db_session.scalar(
        sa.select(sa.func.count())
        .select_from(DeviceEvent)
        .where(DeviceEvent.device_id == device.id, DeviceEvent.action == action)
    )


def test_a_serial_typed_any_way_finds_its_device(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop", serial="5CG-8123 XYZ")
    for code in ("5CG-8123 XYZ", "5cg8123xyz", " 5CG 8123-XYZ "):
        data = client.get("/scan/lookup", query_string={"code": code}).json
        assert data["ok"] and data["device"]["asset_tag"] == device.asset_tag, code


def test_the_donors_inventory_number_finds_its_device(client, login, make_device):
    login("workshop")
    device = make_device("received", donor_asset_number="BAO-INV/00421")
    data = client.get("/scan/lookup", query_string={"code": "bao inv 00421"}).json
    assert data["ok"] and data["device"]["asset_tag"] == device.asset_tag
    # Exact once folded: a part of the number finds nothing.
    response = client.get("/scan/lookup", query_string={"code": "BAO-INV"})
    assert response.status_code == 404 and "BAO-INV" in response.json["error"]


def test_several_matches_are_offered_to_choose_from(client, login, make_device):
    login("workshop")
    by_serial = make_device("received", serial="INV-0042")
    by_number = make_device("received", donor_asset_number="inv 0042")
    response = client.get("/scan/lookup", query_string={"code": "INV0042"})
    assert response.status_code == 300 and not response.json["ok"]
    assert [c["asset_tag"] for c in response.json["choices"]] == [
        by_serial.asset_tag,
        by_number.asset_tag,
    ]
    # The batch asks too, and records nothing meanwhile.
    response = client.post(
        "/scan/apply", json={"code": "INV0042", "action": "start_reconditioning"}
    )
    assert response.status_code == 300 and len(response.json["choices"]) == 2


def test_a_batch_records_a_device_once_however_often_it_is_scanned(
    client, login, make_device, db_session
):
    login("workshop")
    device = make_device("in_workshop")
    fields = {k: str(v) for k, v in ERASURE.items()}
    body = {"action": "record_erasure", "fields": fields, "batch": "batch-1"}
    first = client.post("/scan/apply", json={**body, "code": device.asset_tag}).json
    again = client.post("/scan/apply", json={**body, "code": device.asset_tag.lower()}).json
    assert first["ok"] and not first.get("duplicate")
    assert again["ok"] and again["duplicate"] and "nothing recorded again" in again["message"]
    assert _events(db_session, device, "record_erasure") == 1
    # Another batch (a new page) may record it again: a second pass is a new erasure.
    other = client.post("/scan/apply", json={**body, "code": device.asset_tag, "batch": "b2"})
    assert other.json["ok"] and not other.json.get("duplicate")
    assert _events(db_session, device, "record_erasure") == 2


def test_the_scan_page_gives_each_batch_its_own_key(client, login):
    login("workshop")
    keys = set()
    for _ in range(2):
        page = client.get("/scan?action=start_reconditioning").text
        keys.add(page.split('data-batch-key="', 1)[1].split('"', 1)[0])
    assert len(keys) == 2 and "" not in keys


def test_an_actions_form_opens_inside_the_station(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop", type="desktop")
    data = client.get(
        "/scan/form", query_string={"tag": device.asset_tag, "action": "record_diagnostics"}
    ).json
    assert data["ok"]
    html = data["html"]
    assert f'data-tag="{device.asset_tag}"' in html and 'name="result"' in html
    # The device's own checklist: a desktop has a video output, no touchpad.
    assert 'name="checks.video_output"' in html and "checks.touchpad" not in html
    assert "<script" not in html


def test_the_form_is_refused_for_an_action_not_possible_now(client, login, make_device):
    login("workshop")
    device = make_device("received")
    response = client.get(
        "/scan/form", query_string={"tag": device.asset_tag, "action": "record_erasure"}
    )
    assert response.status_code == 403 and not response.json["ok"]
    client.post("/logout")
    login("viewer")
    response = client.get(
        "/scan/form", query_string={"tag": device.asset_tag, "action": "start_reconditioning"}
    )
    assert response.status_code == 403


def test_a_refused_form_names_its_fields_and_records_nothing(
    client, login, make_device, db_session
):
    login("workshop")
    device = make_device("in_workshop")
    response = client.post(
        "/scan/apply",
        json={"code": device.asset_tag, "action": "grade", "fields": {"grade": "Z"}},
    )
    assert response.status_code == 422 and "grade" in response.json["fields"]
    assert _events(db_session, device, "grade") == 0
