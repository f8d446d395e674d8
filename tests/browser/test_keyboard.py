"""By keyboard: the skip link is the first stop, visible, and takes the focus to the content."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey import FOCUS_RING
from tests.browser.site import SIZES

pytestmark = pytest.mark.browser

#: The first element of the page that Tab can reach, in the document's order.
FIRST_STOP = """() => [...document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]"
)].find((e) => e.tabIndex >= 0 && !e.disabled)"""


def _skip_to_content(page, size: str) -> None:
    assert page.evaluate_handle(FIRST_STOP).evaluate("e => e.classList.contains('skip-link')")
    if page.evaluate("document.activeElement.autofocus"):
        # The sign-in form starts in its email field (autofocus): the skip link is still the
        # document's first stop (checked above); check it from there.
        page.locator(".skip-link").focus()
    else:
        page.keyboard.press("Tab")
    link = page.locator(":focus")
    expect(link).to_have_text("Aller au contenu")
    expect(link).to_have_attribute("href", "#main")
    box = link.bounding_box()
    width = SIZES[size]["viewport"]["width"]
    assert box and box["width"] > 40 and box["height"] > 20, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert 0 <= box["y"] < 100, box
    assert link.evaluate(FOCUS_RING), "the focused skip link shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from the content, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.locator(":focus").evaluate(FOCUS_RING), "the next stop shows no focus ring"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["coordinator", "workshop", "mediator"])
def test_tab_reaches_the_skip_link_first_and_enter_goes_to_the_content(site, signed_in, role, size):
    page = signed_in(role, size).new_page()
    for path in ("/", "/devices", f"/devices/{site.records['device']}"):
        page.goto(f"{site.url}{path}")
        _skip_to_content(page, size)


@pytest.mark.parametrize("size", SIZES)
def test_the_public_pages_start_with_the_skip_link(site, signed_in, size):
    page = signed_in("public", size).new_page()
    for path in site.public_pages():
        page.goto(f"{site.url}{path}")
        _skip_to_content(page, size)
