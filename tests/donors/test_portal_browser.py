"""The donor portal on a phone: no sideways scroll, usable by keyboard; screenshots kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reuse_tracker.devices import services as actions
from reuse_tracker.extensions import db
from tests.conftest import ERASURE

pytestmark = pytest.mark.browser
#: Where the screenshots go (for the reviewers); a test run's own folder otherwise.
SHOTS = os.environ.get("DONORS_SHOTS")


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_portal_fits_a_phone_and_the_donor_answers_by_keyboard(
    browser, live_server, make_donor_case, french, tmp_path
):
    case = make_donor_case("Crédit Maritime Atlantique", 3)
    first, _second, third = case.devices
    actions.perform(first, "start_reconditioning", {}, actor=None)
    actions.perform(first, "record_erasure", {**ERASURE, "storage_serial": "S3Z9NB0K"}, actor=None)
    actions.perform(third, "recycle", {"weight_kg": "2.1", "channel": "Ecosystem"}, actor=None)
    db.session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}{case.url}")
    expect(page.locator("h1")).to_have_text("Crédit Maritime Atlantique")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_text("Recyclée par Ecosystem")).to_be_visible()
    _shot(page, tmp_path, "portal-fr-390")
    page.locator(f"#ko-{case.donation.id}").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Il manque le portable SN-4242.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Écart signalé par le donateur")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "portal-fr-390-discrepancy")
    page.goto(f"{live_server}{case.url}?lang=en")
    expect(page.get_by_text("Being reconditioned")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "portal-en-390")
    context.close()


def test_the_verification_page_fits_a_phone(
    browser, live_server, client, login, make_donation, tmp_path
):
    from tests.documents.test_issued import code_in

    login("viewer")
    donation = make_donation(2)
    code = code_in(client.get(f"/donations/{donation.id}/receipt.pdf").data)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/verify/{code}")
    expect(page.get_by_text("This document was issued by")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "verify-390")
    context.close()
