"""The scan station in a real browser, fed as a USB scanner feeds it: keystrokes and Enter."""

import pytest
import sqlalchemy as sa
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


def test_an_action_with_fields_is_done_in_the_station(
    signed_in_page, live_server, make_device, db_session
):
    device = make_device("in_workshop")
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan")
    _scan(page, device.asset_tag, 1)
    page.locator("#device-card button[data-action=grade]").click()
    form = page.locator("#device-card form.station-form")
    expect(form).to_be_visible()
    form.locator("label[for=station-grade-B]").click()
    form.locator("#station-os").fill("Debian 12")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#scan-log li")).to_have_count(2)
    expect(page.locator("#device-card")).to_contain_text("· B")
    # Still the station, the focus back in the scan field for the next label.
    assert page.url == f"{live_server}/scan"
    expect(page.locator("#scan-input")).to_be_focused()
    db_session.expire_all()
    assert db_session.get(type(device), device.id).grade == "B"


def test_a_second_scan_in_a_batch_warns_and_records_nothing(
    signed_in_page, live_server, make_device, db_session
):
    device = make_device("in_workshop")
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan?action=record_diagnostics")
    page.locator("label[for=batch-result-passed]").click()
    page.locator("#scan-input").focus()
    _scan(page, device.asset_tag, 1)
    _scan(page, device.asset_tag.lower(), 2)
    results = page.locator("#scan-log li").evaluate_all("items => items.map(i => i.dataset.result)")
    assert results == ["duplicate", "ok"]
    assert page.locator("#count-ok").inner_text() == "1"
    assert page.locator("#count-error").inner_text() == "0"
    expect(page.locator("#scan-log-title")).to_have_text("Scanned")
    expect(page.get_by_text("Done:")).to_be_visible()
    events = db_session.execute(
        sa.text("SELECT count(*) FROM device_events WHERE device_id = :id AND action = :a"),
        {"id": device.id, "a": "record_diagnostics"},
    ).scalar()
    assert events == 1


def test_scans_before_the_batch_fields_wait_for_them(
    signed_in_page, live_server, make_device, db_session
):
    devices = [make_device("in_workshop") for _ in range(2)]
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan?action=grade")
    for count, device in enumerate(devices, start=1):
        _scan(page, device.asset_tag, count)
    expect(page.locator("#scan-log li[data-result=waiting]")).to_have_count(2)
    expect(page.locator("#count-waiting")).to_have_text("2")
    page.locator("label[for=batch-grade-C]").click()
    page.get_by_role("button", name="Apply to the waiting scans").click()
    expect(page.locator("#scan-log li[data-result=ok]")).to_have_count(2)
    expect(page.locator("#batch-waiting")).to_be_hidden()
    db_session.expire_all()
    assert [db_session.get(type(d), d.id).grade for d in devices] == ["C", "C"]


def test_a_serial_finds_the_device_and_several_matches_are_offered(
    signed_in_page, live_server, make_device
):
    lone = make_device("received", serial="CND-4419 XK")
    first = make_device("received", serial="INV-0099")
    second = make_device("received", donor_asset_number="INV 0099")
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/scan")
    _scan(page, "cnd4419xk", 1)
    expect(page.locator(".scan-card")).to_contain_text(lone.asset_tag)
    page.keyboard.type("inv0099")
    page.keyboard.press("Enter")
    choices = page.locator(".scan-choices button")
    expect(choices).to_have_count(2)
    page.locator(f".scan-choices button[data-tag='{second.asset_tag}']").click()
    expect(page.locator(".scan-card")).to_contain_text(second.asset_tag)
    assert first.asset_tag not in page.locator(".scan-card").inner_text()
