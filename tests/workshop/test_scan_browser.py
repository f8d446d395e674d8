"""The scan station in a real browser, fed as a USB scanner feeds it: keystrokes and Enter."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _scan(page, code: str, expected_rows: int) -> None:
    # A scanner types into whatever has the focus: wait for the field to hold it.
    expect(page.locator("#scan-input")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.locator("#scan-log li")).to_have_count(expected_rows)


def test_lookup_shows_the_device_card_and_keeps_the_focus(signed_in_page, live_server, make_device):
    device = make_device("in_workshop")
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan")
    _scan(page, f"{live_server}/d/{device.asset_tag}", 1)
    card = page.locator(".scan-card")
    assert device.asset_tag in card.inner_text()
    assert card.get_by_role("link", name=device.asset_tag).count() == 1
    assert page.evaluate("document.activeElement.id") == "scan-input"
    _scan(page, "bonjour", 2)
    assert "bonjour" in page.locator("#device-card .alert-danger").inner_text()


def test_a_batch_goes_on_after_a_refusal(signed_in_page, live_server, make_device, db_session):
    first, ready, last = make_device("received"), make_device("ready"), make_device("received")
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan?action=start_reconditioning")
    for count, device in enumerate((first, ready, last), start=1):
        _scan(page, device.asset_tag, count)
    results = page.locator("#scan-log li").evaluate_all("items => items.map(i => i.dataset.result)")
    assert results == ["ok", "error", "ok"]  # newest first
    assert ready.asset_tag in page.locator("#scan-log li[data-result=error]").inner_text()
    assert page.locator("#count-ok").inner_text() == "2"
    db_session.expire_all()
    assert [db_session.get(type(d), d.id).status for d in (first, ready, last)] == [
        "in_workshop",
        "ready",
        "in_workshop",
    ]


def test_a_batch_with_fields_records_them_for_each_scan(
    signed_in_page, live_server, make_device, db_session
):
    devices = [make_device("in_workshop") for _ in range(2)]
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan?action=grade")
    page.locator("label[for=batch-grade-B]").click()
    page.fill("#batch-os", "Ubuntu 22.04 LTS")
    page.locator("#scan-input").focus()
    for count, device in enumerate(devices, start=1):
        _scan(page, device.asset_tag, count)
    db_session.expire_all()
    assert [
        (db_session.get(type(d), d.id).grade, db_session.get(type(d), d.id).os) for d in devices
    ] == [("B", "Ubuntu 22.04 LTS")] * 2
