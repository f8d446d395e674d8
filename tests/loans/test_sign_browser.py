"""The charter's signature pad in a real browser: drawn with the pointer, posted as a PNG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.browser.journey import draw_signature

pytestmark = pytest.mark.browser


def test_a_signature_drawn_on_the_pad_is_stored(signed_in_page, live_server, device_in):
    device, family, wave = device_in("ready")
    event = services.perform(
        device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
    )
    db.session.commit()
    loan_id = event.payload["loan"]
    page = signed_in_page("mediator", width=900)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server}/loans/{loan_id}/sign")
    page.click("#signature-save")  # nothing drawn yet: refused in the page
    assert page.locator("#signature-empty").is_visible()
    draw_signature(page.locator("#signature-pad"))
    page.click("#signature-save")
    page.wait_for_url(f"{live_server}/families/{family.reference}")
    assert errors == []
    db.session.expire_all()
    loan = db.session.get(Loan, loan_id)
    image = Image.open(io.BytesIO(loan.signature_png))
    assert image.format == "PNG" and image.size[0] > 100
