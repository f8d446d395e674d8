"""The intake receipt, read back from the PDF as the donor's asset manager would."""

import io
from datetime import date

import pypdf
import pytest
import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake import receipt
from reuse_tracker.intake.models import Donor

SYMBOLS = "Société Générale d'Équipements & Fils — Œuvre €"


def pages_of(response) -> list[str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]


def serials(donation) -> list[str]:
    return list(
        db.session.scalars(sa.select(Device.serial).where(Device.donation_id == donation.id))
    )


def test_the_receipt_names_the_donor_the_programme_and_every_device(
    french, client, login, make_donation, make_user
):
    tech = make_user("workshop", name="Zoé Lefèvre")
    donation = make_donation(3, donor=SYMBOLS, actor=tech, donor_asset_number="IMMO-ÉÀ-7")
    donor = db.session.get(Donor, donation.donor_id)
    donor.siret, donor.address = "73282932000074", "12 rue de l'Œuvre\n44000 Nantes"
    donor.contact_name, donor.contact_email = "Noël Ørsted", "noel@example.org"
    db.session.commit()
    login("viewer")
    response = client.get(f"/donations/{donation.id}/receipt.pdf")
    (text,) = pages_of(response)
    assert f'filename="{donation.reference}-receipt.pdf"' in response.headers["Content-Disposition"]
    assert SYMBOLS in text.replace("\n", " ")
    assert "Ville de Nantes — Programme de réemploi informatique" in text
    assert "Attestation de prise en charge" in text and donation.reference in text
    assert "73282932000074" in text and "12 rue de l'Œuvre" in text and "Noël Ørsted" in text
    assert "Zoé Lefèvre" in text and "2 novembre 2026" in text
    assert "IMMO-ÉÀ-7" in text
    for serial in serials(donation):
        assert serial in text
    assert "RT-000001" in text and "RT-000003" in text
    assert "Pour le donateur" in text and "Pour le programme" in text and "Signature :" in text
    assert "Page 1 sur 1" in text


def test_a_500_device_receipt_runs_over_numbered_pages_and_lists_every_serial(
    client, login, make_donation
):
    donation = make_donation(500, donor=SYMBOLS)
    make_donation(2)  # another donation's devices stay off this receipt
    login("coordinator")
    pages = pages_of(client.get(f"/donations/{donation.id}/receipt.pdf"))
    total = len(pages)
    assert total >= 5
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {total}" in text
        assert donation.reference in text
        if number < total:
            assert "Serial number" in text  # the table's header row is repeated
    text = "\n".join(pages)
    for serial in serials(donation):
        assert serial in text
    assert text.count("SN000001") == 0
    assert "Total" in pages[-1] and "500" in pages[-1] and "Signature:" in pages[-1]


def test_long_cells_wrap_instead_of_overflowing(app_ctx):
    long_model = "ThinkPad X1 Carbon Gen 11 — édition spéciale avec écran tactile 2,8K OLED"
    data = receipt.ReceiptData(
        programme="Programme",
        workshop="Atelier",
        reference="DON-2026-0001",
        received_on=date(2026, 11, 2),
        received_by="",
        notes="",
        donor_name="Donateur",
        donor_siret=None,
        donor_address=None,
        donor_contact=[],
        devices=[("RT-000001", "laptop", "Lenovo", long_model, "S" * 60, None)],
    )
    text = pypdf.PdfReader(io.BytesIO(receipt.render(data))).pages[0].extract_text()
    assert "écran tactile" in text and "the device listed below" in text
    assert "S" * 60 not in text and "S" * 60 in text.replace("\n", "")


@pytest.mark.parametrize("role", ["viewer", "mediator", "workshop", "coordinator"])
def test_every_signed_in_role_may_download_a_receipt(client, login, make_donation, role):
    donation = make_donation(1)
    login(role)
    assert client.get(f"/donations/{donation.id}/receipt.pdf").status_code == 200
