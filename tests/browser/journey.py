"""What every journey does: press as its mode says, stay within the screen, read the data.

A journey runs in three modes (``MODES``): at the office by mouse, at the office by keyboard
alone, and on the phone by touch.
"""

from __future__ import annotations

import sqlite3

from playwright.sync_api import expect

from tests.browser.site import SIZES

#: (size, input mode): the office by mouse or by keyboard alone, the phone by touch.
MODES = [("desktop", "mouse"), ("desktop", "keyboard"), ("phone", "touch")]
MODE_IDS = [f"{size}-{mode}" for size, mode in MODES]
#: The focus ring the style sheet draws (app.css: :focus-visible).
FOCUS_RING = """element => {
  const style = getComputedStyle(element);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""

#: The innermost elements that reach past the right edge of the screen, named.
STICKING_OUT = """screen => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > screen
    && ![...e.children].some(c => c.getBoundingClientRect().right > screen))
  .slice(0, 3)
  .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
    + ` (${Math.round(e.getBoundingClientRect().right)} px)`)"""


def press(locator, size: str, mode: str = "mouse", key: str = "Enter") -> None:
    """A click at the office, a tap on the phone, or ``key`` on the focused element by keyboard.

    By keyboard, the element shows the focus ring before the key is pressed.
    """
    if mode == "keyboard":
        locator.focus()
        expect(locator).to_be_focused()
        assert locator.evaluate(FOCUS_RING), f"{locator} shows no focus ring"
        locator.page.keyboard.press(key)
    elif size == "phone":
        locator.scroll_into_view_if_needed()
        locator.tap()
    else:
        locator.click()


def no_sideways_scroll(page, size: str) -> None:
    """The page is no wider than the screen (no scrolling sideways on a 390 px phone).

    Measured once the page has loaded: before its style sheets arrive, a select is as wide
    as its longest option.
    """
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = SIZES[size]["viewport"]["width"]
    if width > screen:
        wide = page.evaluate(STICKING_OUT, screen)
        raise AssertionError(f"{page.url}: {width} px wide; sticking out: {wide}")


def scalar(site, sql: str, *parameters):
    """One value read from the site's SQLite database."""
    with sqlite3.connect(site.database) as connection:
        row = connection.execute(sql, parameters).fetchone()
    return row[0] if row else None
