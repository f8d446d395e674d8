"""A coordinator's journey: a wave planned from the waves list, its readiness read, two
families referred to its waiting list and the allocation proposal confirmed, in French.

Each mode plans its own wave, for its own school, so that the runs do not depend on each
other's order; each takes two of the demo's ready desktops.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import MODE_IDS, MODES, choose, fill, no_sideways_scroll, press, scalar

pytestmark = pytest.mark.browser

READY = "SELECT count(*) FROM devices WHERE status = 'ready' AND type = ?"


def _refer_a_family(page, wave_name: str, school: str, size: str, mode: str) -> str:
    """From the wave's page, refer a family needing a desktop; come back; its reference."""
    press(page.get_by_role("link", name="Orienter une famille"), size, mode)
    expect(page.locator("h1")).to_have_text("Orienter une famille")
    no_sideways_scroll(page, size)
    choose(page.locator("#school"), school, mode)
    choose(page.locator("#child_class"), "CM1", mode)
    choose(page.locator("#device_type"), "desktop", mode)
    association = page.locator("#association option").nth(1).get_attribute("value")
    choose(page.locator("#association"), association, mode)
    press(page.get_by_role("button", name="Enregistrer"), size, mode)
    flash = page.get_by_text(re.compile(r"La famille FAM-\d{4}-\d+ a été enregistrée"))
    expect(flash).to_be_visible()
    reference = re.search(r"FAM-\d{4}-\d+", flash.inner_text()).group(0)
    press(page.get_by_role("link", name=wave_name), size, mode)
    expect(page.get_by_role("heading", name="Liste d'attente")).to_be_visible()
    return reference


def _plan_a_wave(page, name: str, school: str, size: str, mode: str) -> None:
    """Fill the waves list's form: a wave of one school, one desktop and one tablet."""
    expect(page.get_by_role("heading", name="Planifier une nouvelle vague")).to_be_visible()
    fill(page.get_by_label("Nom", exact=True), name, mode)
    fill(page.locator("#starts_on"), "2027-03-01", mode)
    fill(page.locator("#ends_on"), "2027-03-19", mode)
    fill(page.locator("#target_desktop"), "1", mode)
    fill(page.locator("#target_tablet"), "1", mode)
    choose(page.locator("#schools"), school, mode)
    no_sideways_scroll(page, size)
    press(page.get_by_role("button", name="Créer la vague"), size, mode)
    expect(page.get_by_text(f"La vague « {name} » a été créée.")).to_be_visible()


def _raise_the_desktop_target(page, name: str, size: str, mode: str) -> None:
    """From the wave's page, edit its desktop target from one to two."""
    press(page.get_by_role("link", name="Modifier"), size, mode)
    target = page.locator("#target_desktop")
    expect(target).to_have_value("1")
    no_sideways_scroll(page, size)
    fill(target, "2", mode)
    press(page.get_by_role("button", name="Enregistrer"), size, mode)
    expect(page.get_by_text(f"La vague « {name} » a été mise à jour.")).to_be_visible()


def _check_the_readiness(page, site) -> int:
    """Two desktops wanted, covered by the ready ones; one tablet, none ready: missing."""
    desktops = page.locator("tr[data-type=desktop]")
    expect(desktops.locator("[data-label=Objectif]")).to_have_text("2")
    ready = scalar(site, READY, "desktop")
    assert ready >= 2, "the demo has the desktops ready for this journey"
    expect(desktops.locator("[data-label=Disponibles]")).to_have_text(str(ready))
    expect(desktops.locator("[data-label=Manque]")).to_have_text("0")
    tablets = page.locator("tr[data-type=tablet]")
    assert scalar(site, READY, "tablet") == 0
    expect(tablets.locator("[data-label=Manque]")).to_have_text("1")
    expect(tablets.locator("[data-label=Verdict]")).to_contain_text("Pas encore")
    expect(page.locator("[data-verdict]")).to_contain_text("Pas encore")
    expect(page.locator("#waiting-title .badge")).to_have_text("0")
    return ready


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_coordinator_plans_a_wave_checks_its_readiness_and_confirms_the_allocation(
    site, open_context, size, mode
):
    index = MODES.index((size, mode))
    name = f"Vague parcours {index + 1} ({size}, {mode})"
    school = str(scalar(site, "SELECT id FROM schools ORDER BY id DESC LIMIT 1 OFFSET ?", index))
    page = open_context(size, "coordinator").new_page()
    page.goto(f"{site.url}/waves")
    no_sideways_scroll(page, size)
    _plan_a_wave(page, name, school, size, mode)
    wave = scalar(site, "SELECT id FROM waves WHERE name = ?", name)
    expect(page).to_have_url(re.compile(f"/waves/{wave}$"))
    no_sideways_scroll(page, size)
    _raise_the_desktop_target(page, name, size, mode)
    ready = _check_the_readiness(page, site)
    no_sideways_scroll(page, size)

    families = [_refer_a_family(page, name, school, size, mode) for _ in range(2)]
    expect(page.locator("#waiting-title .badge")).to_have_text("2")
    no_sideways_scroll(page, size)
    proposal = page.locator("section[aria-labelledby=proposal-title]")
    for reference in families:
        expect(proposal.get_by_role("row").filter(has_text=reference)).to_have_count(1)
    press(proposal.get_by_role("button", name="Confirmer 2 réservations"), size, mode)
    expect(page.get_by_text("2 équipements réservés.")).to_be_visible()
    desktops = page.locator("tr[data-type=desktop]")
    expect(desktops.locator("[data-label='Réservés ou prêtés']")).to_have_text("2")
    days = page.locator("section[aria-labelledby=handover-days] tbody tr")
    expect(days).to_have_count(1)
    expect(days.locator("td").nth(1)).to_have_text("2")
    expect(page.locator("#waiting-title .badge")).to_have_text("0")
    no_sideways_scroll(page, size)

    loan = (
        "SELECT l.status || ' ' || d.status || ' ' || d.type FROM loans l"
        " JOIN families f ON f.id = l.family_id JOIN devices d ON d.id = l.device_id"
        " WHERE l.wave_id = ? AND f.reference = ?"
    )
    for reference in families:
        assert scalar(site, loan, wave, reference) == "reserved reserved desktop"
    assert scalar(site, READY, "desktop") == ready - 2
