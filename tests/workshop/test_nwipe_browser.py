"""An nwipe log uploaded from the device page in a real browser, twice: the warning is seen."""

import pytest
from playwright.sync_api import expect

from tests.workshop.helpers import CORPUS

pytestmark = pytest.mark.browser


def _read_log(page, base: str, device, name: str) -> None:
    page.goto(f"{base}/devices/{device.asset_tag}?open=record_erasure")
    page.set_input_files("#nwipe-log", str(CORPUS / name))
    page.locator('form[action$="/nwipe"] button').click()


def test_the_same_log_on_a_second_device_is_recorded_and_the_page_warns(
    signed_in_page, live_server, make_device
):
    first, second = make_device("in_workshop"), make_device("in_workshop")
    page = signed_in_page("workshop")
    _read_log(page, live_server, first, "0.42/two_disks_one_failing.log")
    expect(page.locator(".alert").first).to_contain_text("2 disks recorded")
    _read_log(page, live_server, second, "0.42/two_disks_one_failing.log")
    alerts = page.locator(".alert-warning")
    expect(alerts.filter(has_text="2 disks recorded")).to_have_count(1)
    warning = alerts.filter(has_text="This log was already filed on device")
    expect(warning).to_contain_text(first.asset_tag)
