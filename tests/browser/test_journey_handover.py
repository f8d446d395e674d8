"""A mediator's hand-over day, in French, at the office by mouse or keyboard and on the phone.

Three families of the day's school wait for a reserved device: the first signs the charter on
the screen (with a finger on the phone, the mouse at the office; by keyboard, where nothing can
be drawn, the paper charter is the way), the second signed it on paper, the third did not sign
and goes home without the device. Later the first family brings its device back.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from reuse_tracker import clock
from tests.browser.journey import (
    MODE_IDS,
    MODES,
    api,
    choose,
    draw_signature,
    fill,
    no_sideways_scroll,
    press,
    scalar,
    tick,
)

pytestmark = pytest.mark.browser

#: The workshop's records that make a device ready (the journey starts after them).
TO_READY = [
    ("start_reconditioning", {}),
    (
        "record_erasure",
        {
            "method": "purge",
            "technique": "overwrite",
            "tool": "nwipe",
            "verification": "full",
            "result": "passed",
        },
    ),
    ("record_diagnostics", {"result": "passed"}),
    ("grade", {"grade": "B"}),
    ("mark_ready", {}),
]


def _reserved_for_the_day(site, mode: str) -> list[tuple[str, str, int]]:
    """Three families of the day's school, each with a ready device reserved: (family, tag, loan).

    Each mode has its own: the demo site is shared by the session's browser tests.
    """
    wave, school = (int(part) for part in site.records["handover"].split("/"))
    association = scalar(site, "SELECT id FROM associations WHERE name = 'Accoord'")
    donation = api(
        site,
        "coordinator",
        "/donations",
        {
            "donor": {"name": f"Entreprise solidaire ({mode})"},
            "received_on": clock.today().isoformat(),
            "devices": [
                {
                    "type": "laptop",
                    "brand": "HP",
                    "model": "EliteBook 840",
                    "serial": f"HO-{mode}-{n}",
                }
                for n in range(3)
            ],
        },
    )
    day = []
    for device in donation["devices"]:
        tag = device["asset_tag"]
        for action, fields in TO_READY:
            api(site, "coordinator", f"/devices/{tag}/actions/{action}", fields)
        family = api(
            site,
            "coordinator",
            "/families",
            {"school": school, "wave": wave, "child_class": "CM1", "association": association},
        )
        api(
            site,
            "coordinator",
            f"/devices/{tag}/actions/reserve",
            {"family": family["reference"], "wave": wave},
        )
        loan = scalar(
            site,
            "SELECT l.id FROM loans l JOIN devices d ON d.id = l.device_id"
            " WHERE d.asset_tag = ? AND l.status = 'reserved'",
            tag,
        )
        day.append((family["reference"], tag, loan))
    return day


def _loan(site, loan: int) -> tuple[str, str | None, str]:
    """The loan's status, the way its charter was signed, its device's status."""
    return (
        scalar(site, "SELECT status FROM loans WHERE id = ?", loan),
        scalar(site, "SELECT charter_way FROM loans WHERE id = ?", loan),
        scalar(
            site,
            "SELECT d.status FROM devices d JOIN loans l ON l.device_id = d.id WHERE l.id = ?",
            loan,
        ),
    )


def _hand_over(page, tag: str, size: str, mode: str) -> None:
    """Scan (type) the device's label in the hand-over form and press “Remettre”."""
    fill(page.locator("#handover-code"), tag, mode)
    press(page.locator("#handover-form").get_by_role("button", name="Remettre"), size, mode)


def _paper_charter(page, signed_on: date, association: str, size: str, mode: str) -> None:
    """Tick the paper charter, give its date and the association present."""
    tick(page.locator("#handover-paper"), size, mode)
    fill(page.locator("#handover-signed"), signed_on.isoformat(), mode)
    choose(page.locator("#handover-association"), association, mode)


@pytest.mark.parametrize(("size", "mode"), MODES, ids=MODE_IDS)
def test_a_mediator_hands_devices_over_and_later_records_a_return(site, open_context, size, mode):
    (signing, first, first_loan), (on_paper, second, second_loan), (unsigned, third, third_loan) = (
        _reserved_for_the_day(site, mode)
    )
    association = str(
        scalar(site, "SELECT association_id FROM families WHERE reference = ?", signing)
    )
    today = clock.today()  # the server's, in Nantes: the clock is not frozen in a real server
    page = open_context(size, "mediator").new_page()
    day = f"{site.url}/handover/{site.records['handover']}"
    page.goto(day)
    expect(page.get_by_role("heading", name="Journée de remise")).to_be_visible()
    no_sideways_scroll(page, size)
    success = page.locator(".alert-success")

    # The first family: the charter signed on the screen, in its card, then the hand-over.
    card = page.locator(f"#loan-{first_loan}")
    expect(card).to_contain_text(signing)
    if mode == "keyboard":
        # Nothing can be drawn by keyboard: the paper charter, the page's other way, is used.
        _paper_charter(page, today, association, size, mode)
        _hand_over(page, first, size, mode)
        expect(success).to_contain_text(f"{first} remis à {signing}")
        assert _loan(site, first_loan) == ("on_loan", "paper", "on_loan")
    else:
        press(card.get_by_text("Signer à l'écran"), size, mode)
        save = card.get_by_role("button", name="Enregistrer la signature")
        press(save, size, mode)  # nothing drawn yet: refused in the page
        expect(card.get_by_role("alert")).to_have_text("Veuillez d'abord signer dans le cadre.")
        no_sideways_scroll(page, size)
        draw_signature(card.locator("canvas"), size)
        press(save, size, mode)
        expect(success).to_contain_text(f"La charte de {signing} est signée.")
        assert scalar(site, "SELECT signed_at FROM loans WHERE id = ?", first_loan) is not None
        press(card.get_by_role("button", name=f"Remettre {first}"), size, mode)
        expect(success).to_contain_text(f"{first} remis à {signing}")
        assert _loan(site, first_loan) == ("on_loan", "screen", "on_loan")
    no_sideways_scroll(page, size)

    # The third family has signed nothing: the device stays with the mediator.
    _hand_over(page, third, size, mode)
    refusal = page.locator(".alert-danger")
    expect(refusal).to_contain_text(f"{third} n'a pas été remis : {unsigned} n'a pas signé")
    assert _loan(site, third_loan) == ("reserved", None, "reserved")
    no_sideways_scroll(page, size)

    # The second family signed the paper charter yesterday, at the school's meeting.
    _paper_charter(page, today - timedelta(days=1), association, size, mode)
    _hand_over(page, second, size, mode)
    expect(success).to_contain_text(f"{second} remis à {on_paper}")
    assert _loan(site, second_loan) == ("on_loan", "paper", "on_loan")
    signed_on = scalar(site, "SELECT charter_signed_on FROM loans WHERE id = ?", second_loan)
    assert signed_on == (today - timedelta(days=1)).isoformat()

    # Later, the first family brings its device back: the return, from the family's page.
    page.goto(f"{site.url}/families/{signing}")
    no_sideways_scroll(page, size)
    choose(page.locator(f"#return-{first_loan}"), "good", mode)
    form = page.locator(f"#loan-{first_loan} .return-form")
    press(form.get_by_role("button", name="Enregistrer le retour"), size, mode)
    expect(success).to_contain_text(f"Retour de {first} enregistré.")
    assert _loan(site, first_loan)[::2] == ("returned", "returned")
    page.close()
