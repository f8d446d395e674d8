"""Issued documents: stored once, downloaded again byte for byte, versioned, verifiable."""

from __future__ import annotations

import io
import re

import pypdf
import sqlalchemy as sa

from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.extensions import db
from tests.labels.helpers import decode, rasterise


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def code_in(pdf: bytes) -> str:
    found = re.search(r"https://reuse\.example\.org/verify/([A-Z0-9]+)", text_of(pdf))
    assert found, "the verification address is printed"
    return found.group(1)


def edited(pdf: bytes) -> bytes:
    """The same PDF, opened and saved again with one more line of text, as an editor would."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Subject": "Dell Latitude 5490 x 3"})
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue() != pdf
    return out.getvalue()


def documents() -> list[IssuedDocument]:
    return list(db.session.scalars(sa.select(IssuedDocument).order_by(IssuedDocument.id)))


def test_a_receipt_downloaded_again_is_byte_identical(client, login, make_donation):
    login("viewer")
    donation = make_donation(3)
    url = f"/donations/{donation.id}/receipt.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    (stored,) = documents()
    assert stored.kind == "receipt" and stored.version == 1
    assert re.fullmatch(r"RCP-\d{4}-\d{5}", stored.number)
    assert f"Document {stored.number} v1" in text_of(first.data)


def test_the_printed_qr_code_opens_the_verification_page(client, login, make_donation, tmp_path):
    login("viewer")
    donation = make_donation(1)
    pdf = client.get(f"/donations/{donation.id}/receipt.pdf").data
    (page,) = rasterise(pdf, tmp_path)
    texts = [found.text for found in decode(page) if found.kind == "QRCode"]
    assert texts == [f"https://reuse.example.org/verify/{code_in(pdf)}"]


def test_anyone_verifies_a_genuine_file_and_spots_an_altered_one(client, login, make_donation):
    login("viewer")
    donation = make_donation(2)
    pdf = client.get(f"/donations/{donation.id}/receipt.pdf").data
    client.post("/logout")
    code = code_in(pdf)
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200
    (stored,) = documents()
    for fact in ("Intake receipt", stored.number, stored.sha256, "Current", stored.issuer):
        assert fact in page.text
    genuine = client.post(f"/verify/{code}", data={"file": (io.BytesIO(pdf), "receipt.pdf")})
    assert "The file matches" in genuine.text
    altered = edited(pdf)
    forged = client.post(f"/verify/{code}", data={"file": (io.BytesIO(altered), "receipt.pdf")})
    assert "does not match" in forged.text and "The file matches" not in forged.text
    missing = client.post(f"/verify/{code}", data={})
    assert missing.status_code == 422 and "choose the PDF file" in missing.text


def test_an_unknown_code_is_not_found(client):
    page = client.get("/verify/NOSUCHCODE234567")
    assert page.status_code == 404 and "is not genuine" in page.text
    assert client.get("/verify/" + "A" * 200).status_code == 404


def test_a_code_typed_into_the_verification_form_opens_its_document(client, login, make_donation):
    login("viewer")
    code = code_in(client.get(f"/donations/{make_donation(1).id}/receipt.pdf").data)
    client.post("/logout")
    assert 'name="code"' in client.get("/verify").text
    for typed in (code.lower(), f" https://reuse.example.org/verify/{code} "):
        found = client.get("/verify", query_string={"code": typed})
        assert found.status_code == 302 and found.headers["Location"].endswith(f"/verify/{code}")
    wrong = client.get("/verify", query_string={"code": code[:-1] + "Z9"})
    assert wrong.status_code == 404
    assert "is not genuine" in wrong.text and "is the current version" not in wrong.text


def test_changed_data_issues_a_new_version_and_the_old_one_stays_verifiable(
    client, login, make_donation
):
    login("coordinator")
    donation = make_donation(2)
    url = f"/donations/{donation.id}/receipt.pdf"
    old = client.get(url).data
    donation.donor.contact_name = "Nadia Benali"
    db.session.commit()
    new = client.get(url).data
    assert new != old and "Nadia Benali" in text_of(new)
    first, second = documents()
    assert (first.number, first.version, second.version) == (second.number, 1, 2)
    assert first.superseded_at is not None and second.superseded_at is None
    assert client.get(url).data == new
    page = client.get(f"/verify/{code_in(old)}").text
    assert "Superseded" in page and "superseded on" in page and "version 2" in page
    check = client.post(f"/verify/{code_in(old)}", data={"file": (io.BytesIO(old), "old.pdf")})
    assert "The file matches" in check.text
    assert "Current" in client.get(f"/verify/{code_in(new)}").text


def test_a_stored_version_is_downloaded_as_issued(client, login, make_donation):
    login("viewer")
    donation = make_donation(1)
    pdf = client.get(f"/donations/{donation.id}/receipt.pdf").data
    (stored,) = documents()
    again = client.get(f"/documents/{stored.id}.pdf")
    assert again.status_code == 200 and again.data == pdf
