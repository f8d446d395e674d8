"""Whole journeys on the demo programme, in French: at the office by mouse and by keyboard alone,
on the phone by touch.

Each journey is what one user does in one sitting; the other browser tests (next to each
feature's tests) check the details of each screen.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    MODE_IDS,
    MODES,
    choose,
    choose_file,
    fill,
    no_sideways_scroll,
    press,
    scalar,
    tick,
)

pytestmark = pytest.mark.browser


def _received_device(site, index: int) -> str:
    """A device still as it came in, one per run of the journey (the journey changes it)."""
    with sqlite3.connect(site.database) as connection:
        rows = connection.execute(
            "SELECT asset_tag FROM devices WHERE status = 'received' ORDER BY id DESC LIMIT 3"
        ).fetchall()
    return rows[index][0]


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_technician_takes_a_device_from_received_to_ready_at_the_scan_station(
    site, open_context, size, mode
):
    tag = _received_device(site, MODES.index((size, mode)))
    page = open_context(size, "workshop").new_page()
    page.goto(f"{site.url}/scan")
    scan = page.locator("#scan-input")
    expect(scan).to_be_focused()
    page.keyboard.type(tag)  # a USB scanner types the tag, then Enter
    page.keyboard.press("Enter")
    card = page.locator("#device-card")
    expect(card.locator(".scan-card")).to_contain_text(tag)
    log = page.locator("#scan-log li")

    def act(action: str, choices: dict[str, str] = {}, texts: dict[str, str] = {}) -> None:  # noqa: B006
        count = log.count()
        press(card.locator(f"button[data-action={action}]"), size, mode)
        form = card.locator("form.station-form")
        # An action applies at once, or opens its form (optional fields: notes, technician).
        page.wait_for_function(
            "n => document.querySelectorAll('#scan-log li').length > n"
            " || document.querySelector('#device-card form.station-form')",
            arg=count,
        )
        if form.count():
            expect(form).to_be_visible()
            for name, value in choices.items():
                tick(form.locator(f"#station-{name}-{value}"), size, mode)
            for name, value in texts.items():
                fill(form.locator(f"#station-{name}"), value, mode)
            no_sideways_scroll(page, size)
            press(form.get_by_role("button", name="Enregistrer"), size, mode)
        expect(log).to_have_count(count + 1)
        expect(page.locator("#scan-log li").first).to_have_attribute("data-result", "ok")

    act("start_reconditioning")
    act(
        "record_erasure",
        {"method": "purge", "technique": "overwrite", "verification": "full", "result": "passed"},
        {"tool": "nwipe"},
    )
    act("record_diagnostics", {"result": "passed"})
    act("grade", {"grade": "B"}, {"os": "Debian 12"})
    act("mark_ready")
    expect(card.locator(".scan-card")).to_contain_text(re.compile("disponible", re.IGNORECASE))
    # After a one-press action as after a form: back in the scan field, the result told.
    expect(scan).to_be_focused()
    expect(page.locator("#scan-status")).to_contain_text(tag)
    no_sideways_scroll(page, size)
    assert scalar(site, "SELECT status FROM devices WHERE asset_tag = ?", tag) == "ready"


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_viewer_reads_the_figures_and_downloads_open_data(site, signed_in, size, mode):
    page = signed_in("viewer", size).new_page()
    page.goto(f"{site.url}/")
    if size == "phone":
        press(page.get_by_role("button", name="Afficher le menu"), size, mode)
    press(page.get_by_role("button", name="Plus"), size, mode)
    press(page.get_by_role("link", name="Indicateurs", exact=True), size, mode)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.locator("svg.chart[role=img]").count() == page.locator("svg.chart").count()
    no_sideways_scroll(page, size)
    page.goto(f"{site.url}/opendata")
    no_sideways_scroll(page, size)
    link = page.locator("a[download][href*='monthly']").first
    with page.expect_download() as download:
        press(link, size, mode)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    assert "," in header or ";" in header
    assert not re.search(r"FAM-\d{4}-\d{4}", text)  # no family anywhere in open data
    page.close()


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_an_admin_creates_a_user_and_revokes_a_token(site, open_context, size, mode):
    email = f"nouvelle.technicienne.{size}-{mode}@demo.reuse.example"
    page = open_context(size, "admin").new_page()
    page.goto(f"{site.url}/admin/users")
    fill(page.locator("#email"), email, mode)
    fill(page.locator("#name"), "Léa Martin", mode)
    choose(page.locator("#role"), "workshop", mode)
    press(page.get_by_role("button", name="Ajouter l'utilisateur"), size, mode)
    expect(page.locator("#reset-link")).to_have_value(re.compile(r"/reset/"))
    expect(page.locator("main")).to_contain_text(email)
    assert scalar(site, "SELECT role FROM users WHERE email = ?", email) == "workshop"
    no_sideways_scroll(page, size)
    token = site.flask("tokens", "create", email).strip().splitlines()[-1]
    api = page.context.request
    stock = f"{site.url}/api/v1/stock"
    assert api.get(stock, headers={"Authorization": f"Bearer {token}"}).status == 200
    page.goto(f"{site.url}/admin/tokens")
    prefixes = page.locator("tr[data-token]").evaluate_all("rows => rows.map(r => r.dataset.token)")
    (prefix,) = [p for p in prefixes if token.startswith(p)]
    row = page.locator(f"tr[data-token='{prefix}']")
    no_sideways_scroll(page, size)
    press(row.get_by_role("button", name=re.compile("^Révoquer")), size, mode)
    expect(page.locator(f"tr[data-token='{prefix}']")).to_contain_text("Révoqué le")
    assert api.get(stock, headers={"Authorization": f"Bearer {token}"}).status == 401
    page.close()


#: A donor's own export, headers in German: the coordinator tells which column is which.
FOREIGN_CSV = """Kategorie;Hersteller;Modell;Seriennummer
Notebook;Lenovo;ThinkPad T480;{run}-LNV-0001
Notebook;Lenovo;ThinkPad T480;{run}-LNV-0002
Notebook;Lenovo;ThinkPad T490;{run}-LNV-0003
"""


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_coordinator_imports_a_donation_with_foreign_headers_and_prints_its_labels(
    site, open_context, tmp_path, size, mode
):
    run = f"{size}-{mode}".upper()
    upload = tmp_path / "export-lenovo.csv"
    upload.write_text(FOREIGN_CSV.format(run=run))
    page = open_context(size, "coordinator").new_page()
    page.goto(f"{site.url}/donations/import")
    donor = f"Maschinenbau Nantes GmbH ({size}, {mode})"
    fill(page.locator("#donor_name"), donor, mode)
    fill(page.locator("#received_on"), "2026-11-30", mode)
    choose_file(page.locator("#file"), upload, size, mode)
    press(page.get_by_role("button", name="Vérifier le fichier"), size, mode)
    expect(page.get_by_role("heading", name="Dites-nous comment lire ce fichier")).to_be_visible()
    no_sideways_scroll(page, size)
    columns = {
        "type": "Kategorie",
        "brand": "Hersteller",
        "model": "Modell",
        "serial": "Seriennummer",
    }
    for field, header in columns.items():
        choose(page.locator(f"#column-{field}"), header, mode)
    if page.locator("#type-0").count():
        choose(page.locator("#type-0"), "laptop", mode)
    press(page.get_by_role("button", name="Lire le fichier avec ces choix"), size, mode)
    press(page.get_by_role("button", name="Importer 3 équipements"), size, mode)
    page.wait_for_url(re.compile(r"/donations/\d+\?print_labels=1"))
    expect(page.locator("main")).to_contain_text("3 équipements")
    donation = re.search(r"/donations/(\d+)", page.url).group(1)
    assert scalar(site, "SELECT count(*) FROM devices WHERE serial LIKE ?", f"{run}-LNV-%") == 3
    assert (
        scalar(
            site,
            "SELECT d.name FROM donors d JOIN donations n ON n.donor_id = d.id WHERE n.id = ?",
            donation,
        )
        == donor
    )
    no_sideways_scroll(page, size)
    # The labels, from the 5th of a partly used sheet.
    choose(page.locator("#don-layout"), "avery-l7160", mode)
    fill(page.locator("#don-start"), "5", mode)
    press(page.locator("#print-labels").get_by_role("button", name="Imprimer"), size, mode)
    link = page.get_by_role("link", name="Ouvrir les étiquettes (PDF)")
    expect(link).to_be_focused(timeout=60_000)
    assert link.get_attribute("href").startswith("blob:")  # the PDF, already in the page
    answer = page.context.request.get(
        f"{site.url}/donations/{donation}/labels.pdf?layout=avery-l7160&start=5"
    )
    pdf = answer.body()[:5].decode()
    assert pdf == "%PDF-"
    page.close()
