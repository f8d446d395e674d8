"""A donor's journey, with no account: its portal link, its list confirmed, its three PDFs
downloaded, and the receipt checked on the public verification page, in French.

Each mode has its own donor (the demo's portal link for the first, a new link for the
others), so that the runs do not depend on each other's order.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journey import MODE_IDS, MODES, fill, no_sideways_scroll, press, scalar
from tests.conftest import unavailable

pytestmark = pytest.mark.browser

#: A donation of the donor with at least one erased machine (it has an erasure certificate).
ERASED_DONATION = (
    "SELECT dn.id FROM donations dn WHERE dn.donor_id = ? AND EXISTS ("
    " SELECT 1 FROM device_events e JOIN devices d ON d.id = e.device_id"
    " WHERE d.donation_id = dn.id AND e.action = 'record_erasure') ORDER BY dn.id"
)


def _portal(site, index: int) -> tuple[str, str]:
    """The donor and portal link of run ``index``: the demo's link first, then new ones."""
    if index == 0:
        return site.records["donor"], site.records["portal"]
    donor = str(
        scalar(
            site,
            "SELECT id FROM donors WHERE id != ? ORDER BY id LIMIT 1 OFFSET ?",
            site.records["donor"],
            index - 1,
        )
    )
    link = re.search(r"https?://\S+", site.flask("donors", "link", donor)).group(0)
    return donor, link.removeprefix(site.url)


def _open_pdf(page, link, size: str, mode: str) -> bytes:
    """Follow ``link`` to its PDF (the browser shows it), check it is one, come back.

    Chromium's viewer hides the file from the page: its bytes are asked again, and an issued
    document answers the same bytes each time.
    """
    with page.expect_response(re.compile(r"\.pdf$")) as answer:
        press(link, size, mode)
    assert answer.value.ok, f"{answer.value.url}: {answer.value.status}"
    assert answer.value.header_value("content-type") == "application/pdf"
    content = page.context.request.get(answer.value.url).body()
    assert content[:5] == b"%PDF-", f"{answer.value.url}: not a PDF"
    # Back once the viewer has the page (going back while it attaches loses the page).
    page.wait_for_url(answer.value.url)
    page.wait_for_load_state()
    page.go_back()
    expect(link).to_be_visible()
    return content


def _verification_code(pdf: Path) -> str:
    """The code printed in the document's verification address (read with pdftotext)."""
    try:
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        unavailable("pdftotext (poppler-utils) is not installed")
    found = re.search(r"/verify/([A-Z0-9]+)", text)
    assert found, "the receipt prints its verification address"
    return found.group(1)


def _confirm_the_list(page, site, donation: int, size: str, mode: str) -> None:
    """Answer that the donation's list is right; the programme records it."""
    section = page.locator(f"#donation-{donation}")
    press(section.get_by_label("Oui, la liste est juste"), size, mode, "Space")
    expect(section.get_by_label("Oui, la liste est juste")).to_be_checked()
    press(section.get_by_role("button", name="Envoyer ma réponse"), size, mode)
    expect(page.get_by_text("Merci : vous avez confirmé la liste")).to_be_visible()
    expect(section.get_by_text("Liste confirmée par le donateur")).to_be_visible()
    verdict = "SELECT verdict FROM donation_reviews WHERE donation_id = ? ORDER BY id DESC"
    assert scalar(site, verdict, donation) == "confirmed"


def _check_the_file(page, pdf: Path, size: str, mode: str) -> None:
    """On the document's verification page, send the file received: it is that document."""
    with page.expect_file_chooser() as chooser:
        press(page.get_by_label("Le fichier PDF que vous avez reçu"), size, mode, "Space")
    chooser.value.set_files(str(pdf))
    press(page.get_by_role("button", name="Vérifier le fichier"), size, mode)
    expect(page.locator("#verdict")).to_have_text(
        "Le fichier correspond : c'est ce document, non modifié."
    )


def _verify(page, site, code: str, size: str, mode: str) -> None:
    """Type ``code`` into the verification form and send it."""
    page.goto(f"{site.url}/verify")
    fill(page.get_by_label("Code de vérification"), code, mode)
    no_sideways_scroll(page, size)
    press(page.get_by_role("button", name="Vérifier", exact=True), size, mode)


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_donor_confirms_the_list_downloads_its_documents_and_verifies_the_receipt(
    site, open_context, tmp_path, size, mode
):
    donor, portal = _portal(site, MODES.index((size, mode)))
    donation = scalar(site, ERASED_DONATION, donor)
    page = open_context(size).new_page()
    page.goto(f"{site.url}{portal}")
    expect(page.locator("h1")).to_have_text(
        scalar(site, "SELECT name FROM donors WHERE id = ?", donor)
    )
    no_sideways_scroll(page, size)

    _confirm_the_list(page, site, donation, size, mode)
    no_sideways_scroll(page, size)

    section = page.locator(f"#donation-{donation}")
    receipt = _open_pdf(
        page, section.get_by_role("link", name=re.compile("Attestation")), size, mode
    )
    _open_pdf(
        page, section.get_by_role("link", name=re.compile("Certificat d'effacement")), size, mode
    )
    _open_pdf(page, page.get_by_role("link", name="Rapport d'impact (PDF)"), size, mode)
    received = tmp_path / "attestation.pdf"
    received.write_bytes(receipt)
    code = _verification_code(received)
    issued = "SELECT kind || ' ' || subject FROM issued_documents WHERE code = ?"
    assert scalar(site, issued, code) == f"receipt donation:{donation}"
    _verify(page, site, code, size, mode)
    expect(page).to_have_url(re.compile(f"/verify/{code}$"))
    expect(page.get_by_role("status")).to_contain_text("et c'est la version en vigueur")
    expect(page.locator("main")).to_contain_text("Attestation de prise en charge")
    no_sideways_scroll(page, size)
    _check_the_file(page, received, size, mode)

    _verify(page, site, code[::-1], size, mode)
    expect(page.get_by_role("alert")).to_contain_text("n'est pas authentique")
    expect(page.locator("main")).not_to_contain_text("version en vigueur")
    no_sideways_scroll(page, size)
