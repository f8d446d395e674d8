"""Quick entry in a real browser: a technician types (or scans) 40 identical laptops."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from reuse_tracker.devices.models import Device
from tests.intake.helpers import recorded

pytestmark = pytest.mark.browser


def _fill_first_row(page) -> None:
    page.locator("#donor_name").focus()
    page.keyboard.type("Airbus Atlantic")
    page.keyboard.press("Enter")  # in the donor's field too: a move, not a submission
    assert page.evaluate("document.activeElement.id") == "donor_kind"
    page.select_option("#devices-0-type", "laptop")
    page.locator("#devices-0-brand").focus()
    for text in ("Dell", "Latitude 5490", "SN-0001"):
        page.keyboard.type(text)
        page.keyboard.press("Enter")  # Enter moves on, never sends the form


def test_enter_after_each_serial_opens_a_copied_row_and_rows_keep_coming(
    signed_in_page, live_server, db_session
):
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/donations/new")
    expect(page.locator("[data-copy-previous]").first).to_be_visible()
    _fill_first_row(page)
    # Enter in a serial cell went to the next row's serial, brand and model carried over.
    assert page.evaluate("document.activeElement.id") == "devices-1-serial"
    for number in range(2, 41):
        page.keyboard.insert_text(f"SN-{number:04d}")
        page.keyboard.press("Enter")  # as a barcode scanner ends each code
    expect(page.locator("tr[data-row]")).to_have_count(41)
    assert page.input_value("#devices-39-model") == "Latitude 5490"
    assert page.input_value("#devices-39-type") == "laptop"
    assert recorded() == (0, 0, 0)
    page.get_by_role("button", name="Record the donation").click()
    page.wait_for_url(f"{live_server}/donations/*")
    assert "recorded: 40 devices" in page.inner_text("main")
    db_session.rollback()
    serials = db_session.scalars(sa.select(Device.serial).order_by(Device.serial)).all()
    assert serials == [f"SN-{n:04d}" for n in range(1, 41)]
    assert set(db_session.scalars(sa.select(Device.model))) == {"Latitude 5490"}


def test_the_copy_button_and_typing_in_the_last_row(signed_in_page, live_server):
    page = signed_in_page("coordinator")
    page.goto(f"{live_server}/donations/new")
    rows = page.locator("tr[data-row]")
    expect(rows).to_have_count(10)
    page.fill("#devices-9-brand", "HP")  # typing in the last row adds one
    expect(rows).to_have_count(11)
    page.select_option("#devices-8-type", "monitor")
    page.fill("#devices-8-model", "E24 G4")
    rows.nth(9).locator("[data-copy-previous]").click()
    assert page.input_value("#devices-9-brand") == ""
    assert page.input_value("#devices-9-model") == "E24 G4"
    assert page.input_value("#devices-9-type") == "monitor"
    assert page.evaluate("document.activeElement.id") == "devices-9-serial"


def test_errors_come_back_in_the_grid_and_nothing_is_recorded(signed_in_page, live_server):
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/donations/new")
    _fill_first_row(page)
    page.keyboard.type("SN-0001")  # the same serial again, on the carried-over row
    page.get_by_role("button", name="Record the donation").click()
    expect(page.locator("#devices-1-serial-error")).to_contain_text("appears twice")
    assert page.input_value("#devices-1-serial") == "SN-0001"
    assert page.input_value("#devices-0-model") == "Latitude 5490"
    assert recorded() == (0, 0, 0)


def test_a_row_only_carried_over_is_not_sent_as_a_device(signed_in_page, live_server):
    page = signed_in_page("workshop")
    page.goto(f"{live_server}/donations/new")
    _fill_first_row(page)  # the focus is now on row 2, which got brand and model
    assert page.input_value("#devices-1-brand") == "Dell"
    page.get_by_role("button", name="Record the donation").click()
    page.wait_for_url(f"{live_server}/donations/*")
    assert "recorded: 1 device." in page.inner_text("main")
