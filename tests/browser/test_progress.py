"""Long work shows a working state: a 10,000-row CSV import and a 1,000-label run.

Each request is held by the test (``page.route``) while it checks what the user sees: the
button turned into a spinner with the work's name, disabled, and the same words in a status
region (announced by screen readers); the page it came from stays on screen. Then the
request goes on and the answer arrives.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.site import SIZES

pytestmark = pytest.mark.browser

ROWS = 10_000


class Held:
    """Requests to ``pattern`` by ``method`` wait in ``routes`` until ``release()``."""

    def __init__(self, page, pattern: str, method: str):
        self.routes = []
        self.method = method
        page.route(pattern, self._hold)

    def _hold(self, route):
        if route.request.method == self.method:
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        for route in self.routes:
            route.continue_()


#: Reports (on the console) what the user sees of the form once it is at work. Playwright's
#: locators and evaluations wait for a pending navigation to end, and the test holds it: the
#: page tells instead.
WATCH = """([selector, text]) => {
  const form = document.querySelector(selector);
  let told = false;
  const tell = () => {
    const button = form.querySelector("button[disabled]");
    const status = form.querySelector("[role=status]");
    const busy = form.getAttribute("aria-busy") === "true";
    if (told || !busy || !status || status.textContent !== text) { return; }
    told = true;
    const heading = document.querySelector("h1");
    console.log("working:" + JSON.stringify({
      button: button ? button.textContent.trim() : null,
      spinner: !!(button && button.querySelector(".spinner-border")),
      status: status.textContent,
      heading: !!heading && heading.offsetHeight > 0,
    }));
  };
  new MutationObserver(tell).observe(
    form, {attributes: true, childList: true, subtree: true, characterData: true}
  );
}"""


def _submit_and_see_it_work(page, button, form: str, text: str) -> None:
    """Press ``button``; the request is held; check the working state the page shows."""
    page.evaluate(WATCH, [form, text])
    with page.expect_console_message(lambda m: m.text.startswith("working:")) as message:
        button.click(no_wait_after=True)  # the navigation is held: do not wait for it
    state = json.loads(message.value.text.removeprefix("working:"))
    # The button turned into a spinner with the work's name, the same words in the status
    # region; the page stays on screen, never a blank one.
    assert state == {"button": text, "spinner": True, "status": text, "heading": True}


@pytest.mark.parametrize("size", SIZES)
def test_a_10000_row_import_shows_it_is_being_read(site, signed_in, tmp_path, size):
    lines = ["Type,Brand,Model,Serial number"]
    lines += [f"laptop,Dell,Latitude 5490,PRG{size[0]}{n:06d}" for n in range(ROWS)]
    upload = tmp_path / "dell-10000.csv"
    upload.write_text("\n".join(lines) + "\n")
    page = signed_in("coordinator", size).new_page()
    page.goto(f"{site.url}/donations/import")
    page.fill("#donor_name", "Banque Régionale de l'Ouest")
    page.fill("#received_on", "2026-11-30")
    page.set_input_files("#file", str(upload))
    held = Held(page, "**/donations/import", "POST")
    check = page.get_by_role("button", name="Vérifier le fichier")
    _submit_and_see_it_work(page, check, "form[data-busy][enctype]", "Lecture du fichier en cours…")
    # Not sent on: the reading of the file itself is tested in tests/intake/.
    for route in held.routes:
        route.abort()
    page.close()
