"""The scan station's look-up and batch endpoints."""

from tests.conftest import ERASURE


def test_the_scan_page_has_an_always_focused_field(client, login):
    login("workshop")
    page = client.get("/scan").text
    assert 'id="scan-input"' in page and "autofocus" in page


def test_lookup_by_url_or_tag_returns_the_card(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    for code in (f"https://reuse.example.org/d/{device.asset_tag}", device.asset_tag.lower()):
        data = client.get("/scan/lookup", query_string={"code": code}).json
        assert data["ok"] and data["device"]["asset_tag"] == device.asset_tag
        assert data["device"]["status"] == "in_workshop"
        actions = [a["action"] for a in data["device"]["actions"]]
        assert actions[:2] == ["record_erasure", "record_diagnostics"]


def test_lookup_of_an_unknown_or_malformed_code_says_so(client, login):
    login("workshop")
    response = client.get("/scan/lookup", query_string={"code": "RT-999999"})
    assert response.status_code == 404 and "RT-999999" in response.json["error"]
    response = client.get("/scan/lookup", query_string={"code": "hello world"})
    assert response.status_code == 404 and "hello world" in response.json["error"]


def test_batch_applies_the_action_to_each_scan_and_a_refusal_does_not_stop_it(
    client, login, make_device
):
    login("workshop")
    first, ready, last = make_device("received"), make_device("ready"), make_device("received")
    results = []
    for device in (first, ready, last):
        response = client.post(
            "/scan/apply", json={"code": device.asset_tag, "action": "start_reconditioning"}
        )
        results.append((response.status_code, response.json["ok"]))
    assert results == [(200, True), (409, False), (200, True)]
    data = client.get("/scan/lookup", query_string={"code": last.asset_tag}).json
    assert data["device"]["status"] == "in_workshop"


def test_batch_with_fields_records_them_on_every_device(client, login, make_device):
    login("workshop")
    devices = [make_device("in_workshop") for _ in range(2)]
    erasure = {k: str(v) for k, v in ERASURE.items()}
    for device in devices:
        response = client.post(
            "/scan/apply",
            json={"code": device.asset_tag, "action": "record_erasure", "fields": erasure},
        )
        assert response.json["ok"], response.json
    response = client.post(
        "/scan/apply", json={"code": devices[0].asset_tag, "action": "record_erasure", "fields": {}}
    )
    assert (
        response.status_code == 422 and "method" in response.json["error"].lower()
    ) or "méthode" in response.json["error"].lower()


def test_a_viewer_can_look_up_but_not_apply(client, login, make_device):
    login("viewer")
    device = make_device()
    assert client.get("/scan/lookup", query_string={"code": device.asset_tag}).json["ok"]
    response = client.post(
        "/scan/apply", json={"code": device.asset_tag, "action": "start_reconditioning"}
    )
    assert response.status_code == 403
