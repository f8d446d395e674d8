"""A hand-over day on a phone (390 × 844): screen, paper, a refusal, a return from the family.

Screenshots of each page at 390 px go to /tmp/handover-shots/ (for people to look at).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.browser.journey import draw_signature

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/handover-shots")
PHONE = {"width": 390, "height": 844}


def _fits(page, name: str) -> None:
    """The page has no sideways scroll at 390 px; keep a screenshot of it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (name, width)


def _loan(device) -> Loan:
    db.session.expire_all()
    return db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))


def _phone(signed_in_page, role: str):
    """A phone-sized page signed in as ``role``, and the console errors it will log."""
    page = signed_in_page(role, width=390)
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def test_a_hand_over_day_on_a_phone(
    signed_in_page,
    live_server,
    make_school,
    make_association,
    make_wave,
    make_family,
    ready_device,
):
    school = make_school(name="École élémentaire du Pin (fictive)")
    association = make_association("Accoord")
    wave = make_wave(schools=[school], name="Vague de Bellevue")
    signing, on_paper, unsigned = (
        make_family(wave, school, association=association) for _ in range(3)
    )
    first, second, third = ready_device(), ready_device(), ready_device()
    for device, family in ((second, on_paper), (third, unsigned)):
        services.perform(
            device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
        )
    db.session.commit()
    page, errors = _phone(signed_in_page, "coordinator")

    # Reserve: the coordinator scans a device for a family of the waiting list.
    page.goto(f"{live_server}/waves/{wave.id}")
    _fits(page, "wave-readiness")
    page.fill("#reserve-code", first.asset_tag)
    page.select_option("#reserve-family", signing.reference)
    page.click("form[action$='/reserve'] button")
    page.wait_for_url(f"{live_server}/waves/{wave.id}")
    assert _loan(first).status == "reserved"

    # Sign on the screen, in place, then hand over from the family's card.
    day = f"{live_server}/handover/{wave.id}/{school.id}"
    page.goto(day)
    _fits(page, "handover-day")
    loan = _loan(first)
    card = page.locator(f"#loan-{loan.id}")
    card.locator("summary").click()
    card.locator("[data-signature-save]").click()  # nothing drawn: refused in the page
    assert card.locator("[data-signature-empty]").is_visible()
    draw_signature(card.locator("canvas"))
    _fits(page, "handover-signing")
    card.locator("[data-signature-save]").click()
    page.wait_for_url(f"{day}#loan-{loan.id}")
    page.locator(f'[data-hand-over="{first.asset_tag}"]').click()
    page.wait_for_url(day)
    assert page.locator(".alert-success").first.is_visible()
    loan = _loan(first)
    assert (loan.status, loan.charter_way) == ("on_loan", "screen")

    # A refusal: no charter signed, nothing ticked.
    page.fill("#handover-code", third.asset_tag)
    page.press("#handover-code", "Enter")
    page.wait_for_url(day)
    refusal = page.locator(".alert-danger")
    assert "has not signed the charter" in refusal.inner_text()
    _fits(page, "handover-refused")
    assert _loan(third).status == "reserved"

    # A paper charter: ticked, dated, the association present.
    page.fill("#handover-code", second.asset_tag)
    page.check("#handover-paper")
    page.fill("#handover-signed", clock.today().isoformat())
    page.select_option("#handover-association", str(association.id))
    page.click("#handover-form button.btn-primary")
    page.wait_for_url(day)
    loan = _loan(second)
    assert (loan.status, loan.charter_way) == ("on_loan", "paper")

    # The day's sign-off sheet, for schools without tablets.
    page.goto(f"{day}/sheet")
    _fits(page, "handover-sheet")
    assert third.asset_tag in page.content()

    # A return from the family's page.
    page.goto(f"{live_server}/families/{signing.reference}")
    _fits(page, "family")
    first_loan = _loan(first)
    page.select_option(f"#return-{first_loan.id}", "good")
    page.locator(f"#loan-{first_loan.id} .return-form button").click()
    page.wait_for_url(f"{live_server}/families/{signing.reference}")
    assert _loan(first).status == "returned"

    loan = _loan(second)
    loan.due_on = clock.today() - timedelta(days=30)
    db.session.commit()
    page.goto(f"{live_server}/loans/overdue")
    _fits(page, "overdue")
    assert second.asset_tag in page.content()
    page.goto(f"{live_server}/families/{on_paper.reference}")
    _fits(page, "family-late")
    assert page.locator(".loan-overdue").is_visible()

    # In French, as the programme runs: the same pages, in a parent's and a mediator's words.
    page.click("button[lang=fr]")
    page.goto(day)
    _fits(page, "handover-day-fr")
    body = page.inner_text("main")
    assert "Journée de remise" in body and "Charte signée sur papier" in body
    assert "en retard de 30 jours" in body and "Enregistrer le retour" in body
    page.goto(f"{live_server}/devices/{second.asset_tag}")
    _fits(page, "device-fr")
    history = page.inner_text("#history ~ ol, .timeline")
    assert "Remis à la famille" in history and "Réservé pour une famille" in history
    assert errors == []


def test_a_reminder_from_the_overdue_list_on_a_phone(signed_in_page, live_server, device_in):
    device, family, _wave = device_in("on_loan")
    loan = _loan(device)
    loan.due_on = clock.today() - timedelta(days=12)
    db.session.commit()
    page, errors = _phone(signed_in_page, "mediator")
    page.goto(f"{live_server}/loans/overdue")
    dialog = page.locator("#reminder-dialog")
    assert not dialog.is_visible()

    # By keyboard: the row's link opens the list's one form, for that family.
    link = page.locator(f'a[data-reminder="{family.reference}"]')
    assert link.get_attribute("aria-haspopup") == "dialog"
    link.focus()
    page.keyboard.press("Enter")
    assert dialog.is_visible() and family.reference in dialog.inner_text()
    assert page.evaluate("document.activeElement.id") == "reminder-kind"
    _fits(page, "overdue-reminder")
    box = dialog.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.keyboard.press("Escape")  # closed: the focus is back on the link
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.dataset.reminder") == family.reference

    link.click()
    page.select_option("#reminder-kind", "sms")
    page.select_option("#reminder-outcome", "return_promised")
    page.fill("#reminder-note", "Rappeler lundi")
    dialog.locator("button.btn-primary").click()
    page.wait_for_url(f"{live_server}/loans/overdue#overdue-{loan.id}")
    row = page.locator(f"#overdue-{loan.id} [data-last-reminder]")
    assert row.get_attribute("data-last-reminder") == "sms"
    assert "Rappeler lundi" in row.inner_text()
    assert errors == []
