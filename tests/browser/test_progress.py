"""Long work shows a working state: a 10,000-row CSV import and a 1,000-label run.

Each request is held by the test (``page.route``) while it checks what the user sees: the
button turned into a spinner with the work's name, disabled, and the same words in a status
region (announced by screen readers); the page it came from stays on screen. Then the
request goes on and the answer arrives: the file's check, the labels' PDF.
"""

from __future__ import annotations

import io
import json
import math
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.journey import api
from tests.browser.site import SIZES

pytestmark = pytest.mark.browser

ROWS = 10_000
LABELS = 1_000


class Held:
    """Requests to ``pattern`` by ``method`` wait in ``routes`` until ``release()``.

    The page may tell its working state before Playwright hands the request over: a request
    that comes after ``release()`` goes on at once (never held for good).
    """

    def __init__(self, page, pattern, method: str):
        self.routes = []
        self.method = method
        self.released = False
        page.route(pattern, self._hold)

    def _hold(self, route):
        if route.request.method == self.method and not self.released:
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.released = True
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
    held.release()
    # Then the file's check arrives in place of the form: the 10,000 rows counted, to import.
    button = page.get_by_role("button", name=re.compile(r"^Importer 10\s?000 équipements$"))
    expect(button).to_be_visible(timeout=240_000)
    expect(page.locator("h1")).to_have_text("Importer des équipements depuis un fichier CSV")
    page.close()


@pytest.fixture(scope="module")
def thousand_devices(site) -> str:
    """A donation of 1,000 devices (registered through the API, as a donor's system would)."""
    devices = [
        {"type": "laptop", "brand": "Dell", "model": "Latitude 7490", "serial": f"LBL{n:06d}"}
        for n in range(LABELS)
    ]
    body = {"donor": {"name": "Assurance Mutuelle Atlantique"}, "received_on": "2026-11-30"}
    return str(api(site, "coordinator", "/donations", {**body, "devices": devices})["id"])


@pytest.mark.parametrize("size", SIZES)
def test_a_1000_label_run_shows_it_is_being_prepared_then_offers_the_pdf(
    site, signed_in, thousand_devices, size
):
    page = signed_in("coordinator", size).new_page()
    page.goto(f"{site.url}/donations/{thousand_devices}")
    page.wait_for_load_state()  # nothing pending: the page is the one the test watches
    expect(page.locator("main")).to_contain_text(re.compile(r"\b1\s?000 équipements"))
    page.get_by_role("button", name="Étiquettes").click()
    # The panel has opened (its transition over): what is clicked next stays where it is.
    expect(page.locator("#print-labels")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.select_option("#don-layout", "avery-l7160")
    held = Held(page, re.compile(rf"/donations/{thousand_devices}/labels\.pdf"), "GET")
    form = page.locator("form[data-busy-download]")
    form.get_by_role("button", name="Imprimer").click()
    # The PDF is fetched by the page (no navigation): the working state is read as it is
    # shown. The button turned into a spinner with the work's name, disabled, the same words
    # in the status region; the page stays on screen.
    working = "Préparation des étiquettes en cours…"
    button = form.locator("button[disabled]")
    expect(button).to_have_text(working)
    expect(button.locator(".spinner-border")).to_have_count(1)
    expect(form.get_by_role("status")).to_have_text(working)
    expect(form).to_have_attribute("aria-busy", "true")
    expect(page.locator("h1")).to_be_visible()
    held.release()
    link = page.get_by_role("link", name="Ouvrir les étiquettes (PDF)")
    expect(link).to_be_focused(timeout=240_000)
    status = page.locator("form[data-busy-download] [role=status]")
    expect(status).to_contain_text("Les étiquettes sont prêtes.")
    assert link.get_attribute("href").startswith("blob:")  # the PDF, already in the page
    answer = page.context.request.get(
        f"{site.url}/donations/{thousand_devices}/labels.pdf?layout=avery-l7160&start=1"
    )
    pages = PdfReader(io.BytesIO(answer.body())).pages
    assert len(pages) == math.ceil(LABELS / 21)  # 21 labels a sheet
    page.close()
