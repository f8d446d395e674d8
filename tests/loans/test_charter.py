"""The charter: pre-filled PDF read back, the tablet signature drawn in it, the city's own text."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import charter_text, signature
from reuse_tracker.loans.charter_text import DEFAULTS
from tests.loans.conftest import PARENT


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def signature_url(width: int = 400, height: int = 150, strokes: bool = True) -> str:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if strokes:
        ImageDraw.Draw(image).line(
            (20, 100, 120, 40, 220, 110, 360, 50), fill=(0, 0, 0, 255), width=4
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return signature.PREFIX + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def loan_on(device_in, make_school, make_association, make_wave, make_family):
    """A device handed over to a family of a school, accompanied by an association."""
    from reuse_tracker.devices import services

    school = make_school(name="École des Ormeaux (fictive)")
    association = make_association("PiNG")
    wave = make_wave(schools=[school])
    family = make_family(wave, school, association=association)
    device, _, _ = device_in("ready")
    event = services.perform(
        device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
    )
    services.perform(device, "hand_over", {"charter_signed_on": "2021-02-03"}, actor=None)
    db.session.commit()
    return event.payload["loan"], family, device


def test_the_charter_is_pre_filled(french, client, login, loan_on):
    loan_id, family, device = loan_on
    login("mediator")
    response = client.get(f"/loans/{loan_id}/charter.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    for expected in (
        family.reference,
        PARENT,
        "CM1",
        "École des Ormeaux (fictive)",
        device.asset_tag,
        device.serial,
        "Latitude 5490",
        "PiNG",
        "3 février 2022",
        "s'engage à utiliser l'équipement",
        "12 mois",
    ):
        assert expected in text, expected
    assert "Page 1" in text
    assert _images(response.data) == 0


def test_the_charter_follows_the_language(client, login, loan_on):
    loan_id, _family, _ = loan_on
    login("coordinator")
    client.post("/lang/en")
    text = _text(client.get(f"/loans/{loan_id}/charter.pdf").data)
    assert "Engagement charter" in text and "The family's commitments" in text
    assert "February 3, 2022" in text


def test_a_tablet_signature_is_drawn_into_the_charter(client, login, loan_on):
    loan_id, _, _ = loan_on
    login("mediator")
    response = client.post(f"/loans/{loan_id}/sign", data={"signature": signature_url()})
    assert response.status_code == 302
    from reuse_tracker.loans.models import Loan

    loan = db.session.get(Loan, loan_id)
    stored = Image.open(io.BytesIO(loan.signature_png))
    assert stored.format == "PNG" and stored.size[0] < 400  # cropped to the strokes
    pdf = client.get(f"/loans/{loan_id}/charter.pdf").data
    assert _images(pdf) == 1
    assert "Signé sur une tablette" in _text(pdf) or "Signed on a tablet" in _text(pdf)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("data:image/jpeg;base64,AAAA", "PNG"),
        (signature.PREFIX + "not base64!", "base64"),
        (signature.PREFIX + base64.b64encode(b"GIF89a....").decode(), "PNG"),
        (signature_url(strokes=False), "empty"),
        (signature.PREFIX + "A" * 400_000, "larger"),
    ],
)
def test_a_bad_signature_is_refused(app, loan_on, url, reason):
    loan_id, _, _ = loan_on
    from reuse_tracker.loans.models import Loan

    loan = db.session.get(Loan, loan_id)
    with pytest.raises(ValidationError) as refused:
        signature.sign(loan, url, None)
    assert reason in refused.value.fields["signature"] or reason in str(refused.value.fields)
    assert loan.signature_png is None


def test_an_ended_loan_cannot_be_signed(loan_on):
    loan_id, _, device = loan_on
    from reuse_tracker.devices import services
    from reuse_tracker.loans.models import Loan

    services.perform(device, "return", {"condition": "good"}, actor=None)
    with pytest.raises(ConflictError):
        signature.sign(db.session.get(Loan, loan_id), signature_url(), None)


def test_the_sign_page_offers_the_pad_and_the_text(client, login, loan_on):
    loan_id, family, _ = loan_on
    login("mediator")
    page = client.get(f"/loans/{loan_id}/sign").text
    assert 'id="signature-pad"' in page and "js/loans-signature.js" in page
    assert family.reference in page and "style=" not in page and "<script>" not in page


def test_the_city_rewrites_a_section_and_the_charter_uses_it(french, client, login, loan_on):
    loan_id, family, _ = loan_on
    login("coordinator")
    body = "La famille {{ family }} ({{ parent }}) s'engage à rendre {{ device }}."
    response = client.post("/charter/settings", data={"fr.family": body})
    assert response.status_code == 302
    assert charter_text.section_texts("fr")["family"] == body
    assert charter_text.section_texts("fr")["loan"] == DEFAULTS["loan"]["fr"]
    text = _text(client.get(f"/loans/{loan_id}/charter.pdf").data)
    assert f"La famille {family.reference} ({PARENT}) s'engage à rendre" in text
    # Sending the default text back (or nothing) returns to the default.
    client.post("/charter/settings", data={"fr.family": DEFAULTS["family"]["fr"]})
    assert charter_text.stored_texts("fr") == {}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{{ famile }}", "famile"),  # a typo ("{{ famille }}" is the French name)
        ("{{ family.__class__.__mro__ }}", "cannot be read"),
        ("{% for x in %}", "cannot be read"),
        ("x" * 5001, "5000"),
    ],
)
def test_a_text_that_cannot_be_rendered_safely_is_refused(client, login, body, problem):
    login("admin")
    client.post("/lang/en")
    response = client.post("/charter/settings", data={"en.data": body})
    assert response.status_code == 422
    assert charter_text.stored_texts("en") == {}
    assert problem in response.text


def test_the_settings_page_shows_both_languages(client, login):
    login("coordinator")
    page = client.get("/charter/settings").text
    assert 'name="fr.family"' in page and 'name="en.family"' in page
    assert "{{ due_on }}" in page


def test_the_french_editor_names_the_placeholders_in_french(client, login, french):
    login("coordinator")
    page = client.get("/charter/settings").text
    assert "<code>{{ famille }}</code>" in page and "<code>{{ retour }}</code>" in page
    assert "<code>{{ due_on }}</code>" not in page
    response = client.post("/charter/settings", data={"fr.family": "La {{ famile }} s'engage."})
    assert response.status_code == 422
    assert "Texte français · " in response.text and "{{ famile }}" in response.text
    assert "undefined" not in response.text and "is not" not in response.text
    body = "La famille {{ famille }} rend {{ equipement }} le {{ retour }}."
    assert client.post("/charter/settings", data={"fr.family": body}).status_code == 302
    assert charter_text.render_section(
        body, {"family": "F-1", "device": "RT-1", "due_on": "x"}
    ) == ("La famille F-1 rend RT-1 le x.")
