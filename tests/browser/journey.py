"""What every journey does: press as its mode says, stay within the screen, read the data.

A journey runs in three modes (``MODES``): at the office by mouse, at the office by keyboard
alone, and on the phone by touch. By keyboard the focus travels with Tab (never jumps), and
every stop on the way shows the focus ring.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.browser.site import ACCOUNTS, SIZES

#: Each journey step answers over the network of a loaded test machine: more than expect's 5 s
#: (set here, once, for every journey module that imports these helpers).
expect.set_options(timeout=20_000)

#: (size, input mode): the office by mouse or by keyboard alone, the phone by touch.
MODES = [("desktop", "mouse"), ("desktop", "keyboard"), ("phone", "touch")]
MODE_IDS = [f"{size}-{mode}" for size, mode in MODES]

#: The focus ring the style sheet draws (app.css: :focus-visible).
FOCUS_RING = """element => {
  const style = getComputedStyle(element);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""

#: Where the focus is: on the target, or before it (Tab goes on) or after it (Shift+Tab goes
#: back); and whether that stop shows the focus ring. A date field's own parts (day, month, ...,
#: its calendar button) draw their focus themselves (Chromium's, not the style sheet's).
_STOP = f"""target => {{
  const here = document.activeElement;
  const away = !here || here === document.body;
  const native = !away && here.matches("[type=date], [type=datetime-local], [type=time]");
  return {{
    reached: here === target,
    before: away || !!(here.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING),
    ring: away || native || ({FOCUS_RING})(here),
    here: away ? "" : here.outerHTML.slice(0, 160),
  }};
}}"""

#: The innermost elements that reach past the right edge of the screen, named.
STICKING_OUT = """screen => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > screen
    && ![...e.children].some(c => c.getBoundingClientRect().right > screen))
  .slice(0, 3)
  .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
    + ` (${Math.round(e.getBoundingClientRect().right)} px)`)"""

#: Tab presses allowed to reach an element: the longest page of a journey has fewer stops.
MAX_TABS = 300


def tab_to(locator, element=None) -> None:
    """Move the focus to ``locator`` (or to ``element``, a handle in its page) with Tab (or
    Shift+Tab back), as a keyboard user does; every stop on the way shows the focus ring."""
    page = locator.page
    target = element or locator.element_handle()
    key = "Tab" if target.evaluate(_STOP)["before"] else "Shift+Tab"
    for _ in range(MAX_TABS):
        stop = target.evaluate(_STOP)
        assert stop["ring"], f"{page.url}: the focus shows no ring on {stop['here']}"
        if stop["reached"]:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{page.url}: {key} never reaches {locator}")


#: A radio button's group, the position of the button in it, and the group's Tab stop (the
#: checked button, or the first).
_RADIO_GROUP = """radio => {
  const group = [...document.getElementsByName(radio.name)].filter(
    (other) => other.type === "radio" && other.form === radio.form);
  const checked = group.findIndex((other) => other.checked);
  return {group: group, index: group.indexOf(radio), stop: Math.max(checked, 0)};
}"""


def tick(locator, size: str, mode: str = "mouse") -> None:
    """Check a radio button or a checkbox: its label pressed, or by keyboard Space on a checkbox
    and the arrow keys in a radio button's group (Tab stops once in a group)."""
    if mode != "keyboard":
        press(locator.page.locator(f"label[for='{locator.get_attribute('id')}']"), size, mode)
    elif locator.get_attribute("type") != "radio":
        press(locator, size, mode, "Space")
    else:
        where = locator.evaluate_handle(_RADIO_GROUP)
        index, stop = where.evaluate("found => [found.index, found.stop]")
        tab_to(locator, where.evaluate_handle(f"found => found.group[{stop}]"))
        if index == stop:
            locator.page.keyboard.press("Space")
        for _ in range(abs(index - stop)):
            locator.page.keyboard.press("ArrowDown" if index > stop else "ArrowUp")
        expect(locator).to_be_focused()
    expect(locator).to_be_checked()


def press(locator, size: str, mode: str = "mouse", key: str = "Enter") -> None:
    """A click at the office, a tap on the phone, or ``key`` on the element reached by Tab."""
    if mode == "keyboard":
        tab_to(locator)
        expect(locator).to_be_focused()
        locator.page.keyboard.press(key)
    elif size == "phone":
        locator.scroll_into_view_if_needed()
        locator.tap()
    else:
        locator.click()


def fill(locator, text: str, mode: str = "mouse") -> None:
    """Type ``text`` into a field: reached by Tab and typed by keyboard, filled otherwise."""
    if mode != "keyboard":
        locator.fill(text)
        return
    tab_to(locator)
    if locator.get_attribute("type") == "date":
        _type_date(locator, text)
    else:
        locator.page.keyboard.press("Control+A")
        locator.page.keyboard.type(text)
    expect(locator).to_have_value(text)


def _type_date(locator, iso: str) -> None:
    """Type an ISO date in the order the browser's date field shows its parts (the browser's
    language decides: day first in French, month first in English)."""
    keyboard = locator.page.keyboard
    keyboard.type("01022000")  # one of two readings: 1 February or 2 January
    day_first = locator.input_value() == "2000-02-01"
    keyboard.press("Shift+Tab")  # from the year back to the field's first part
    keyboard.press("Shift+Tab")
    year, month, day = iso.split("-")
    keyboard.type(f"{day}{month}{year}" if day_first else f"{month}{day}{year}")


def choose(locator, value: str, mode: str = "mouse") -> None:
    """Choose the option ``value`` of a ``<select>``: with the arrow keys by keyboard."""
    if mode != "keyboard":
        locator.select_option(value)
        return
    tab_to(locator)
    now, wanted = locator.evaluate(
        "(select, value) => [select.selectedIndex,"
        " [...select.options].findIndex(option => option.value === value)]",
        value,
    )
    assert wanted >= 0, f"no option {value!r} in {locator}"
    for _ in range(abs(wanted - now)):
        locator.page.keyboard.press("ArrowDown" if wanted > now else "ArrowUp")
    expect(locator).to_have_value(value)


def choose_file(locator, path, size: str, mode: str = "mouse") -> None:
    """Pick ``path`` in the file input ``locator``: pressed (Space by keyboard), then chosen."""
    with locator.page.expect_file_chooser() as chooser:
        press(locator, size, mode, "Space")
    chooser.value.set_files(str(path))


def draw_signature(canvas, size: str = "desktop") -> None:
    """Sign in ``canvas``: a zigzag with the mouse at the office, with a finger on the phone."""
    page = canvas.page
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    points = [(box["x"] + 20, box["y"] + 40)] + [
        (box["x"] + 20 + step * 25, box["y"] + 40 + (20 if step % 2 else -10))
        for step in range(1, 10)
    ]
    if size != "phone":
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()
        return
    # A finger that moves 25 px every 40 ms and rests before it lifts: not a flick (Chromium
    # would take a flick for a fling, and the next tap for the one that stops it: no click).
    touch = page.context.new_cdp_session(page)
    start = time.time()
    strokes = [("touchStart", points[0])] + [("touchMove", point) for point in points[1:]]
    strokes.append(("touchMove", points[-1]))
    for step, (kind, (x, y)) in enumerate(strokes):
        touch.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y}], "timestamp": start + step * 0.04},
        )
    end = start + len(strokes) * 0.04 + 0.3
    touch.send(
        "Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": [], "timestamp": end}
    )
    touch.detach()


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


#: API tokens made for the journeys' set-up, by (site, role).
_TOKENS: dict[tuple[str, str], str] = {}


def api(site, role: str, path: str, body: dict | None = None):
    """Call the site's JSON API as ``role`` (a token made once); return the decoded answer.

    For the set-up of a journey: what came before the user's sitting (a donation registered,
    devices made ready, families referred) is not what the journey shows.
    """
    if (site.url, role) not in _TOKENS:
        output = site.flask("tokens", "create", ACCOUNTS[role])
        _TOKENS[site.url, role] = output.strip().splitlines()[-1]
    request = urllib.request.Request(
        f"{site.url}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {_TOKENS[site.url, role]}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{path}: {error.code} {error.read().decode()[:500]}") from None
