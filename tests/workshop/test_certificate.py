"""The donation's data-erasure certificate, read back from the PDF."""

import io

import pypdf
import pytest
import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from tests.workshop.helpers import DESTROYED, ERASED, FAILED, UNVERIFIED, act


def pages_of(response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def devices_of(donation) -> list[Device]:
    return list(
        db.session.scalars(
            sa.select(Device).where(Device.donation_id == donation.id).order_by(Device.asset_tag)
        )
    )


@pytest.fixture
def donation(make_donation, make_user):
    """Five machines: erased (two disks), failed, untouched, destroyed, and a monitor."""
    from reuse_tracker.devices import services

    tech = make_user("workshop", name="Sofia Moreau")
    donation = make_donation(5)
    erased, failed, _untouched, destroyed, monitor = devices_of(donation)
    monitor.type = "monitor"
    db.session.commit()
    for device in (erased, failed, destroyed):
        services.perform(device, "start_reconditioning", {}, actor=tech)
    services.perform(
        erased,
        "record_erasure",
        {
            **ERASED,
            "storage_serial": "S3Z9NB0K123456A",
            "storage_model": "Samsung SSD 860",
            "storage_size_gb": 250,
            "ended_at": "2021-03-12T10:38:50",
        },
        actor=tech,
    )
    services.perform(
        erased, "record_erasure", {**DESTROYED, "storage_serial": "WD-WX11A1"}, actor=tech
    )
    services.perform(failed, "record_erasure", {**FAILED, "storage_serial": "W6209XYZ"}, actor=tech)
    services.perform(
        destroyed, "record_erasure", {**DESTROYED, "storage_serial": "KINGSTON-9"}, actor=tech
    )
    db.session.commit()
    return donation


def test_the_certificate_lists_every_device_and_disk_with_its_fate(client, login, donation):
    login("viewer")
    client.post("/lang/en")
    response = client.get(f"/donations/{donation.id}/erasure-certificate.pdf")
    (text,) = pages_of(response)
    assert (
        f"{donation.reference}-erasure-certificate.pdf" in response.headers["Content-Disposition"]
    )
    assert "Data erasure certificate" in text and donation.reference in text
    assert "Société Exemple" in text and "NIST SP 800-88" in text
    for device in devices_of(donation):
        assert device.asset_tag in text and device.serial in text
    for disk in ("S3Z9NB0K123456A", "WD-WX11A1", "W6209XYZ", "KINGSTON-9"):
        assert disk in text
    assert "Samsung SSD 860 250 GB" in text and "nwipe 0.34" in text
    assert "Clear / Overwrite" in text and "Destroy / Physical destruction" in text
    assert "Sofia Moreau" in text and ("3/12/21" in text or "12/03/2021" in text)
    assert text.count("Medium destroyed") >= 2
    assert "Pending: failed" in text and "Pending: not erased yet" in text
    assert "No data storage" in text
    assert "Erased: 1 · Medium destroyed: 1 · Pending: not erased yet: 2" in text
    assert "Page 1 of 1" in text and "Signature:" in text


def test_only_a_verified_passed_erasure_counts(client, login, make_donation):
    login("workshop")
    client.post("/lang/en")
    donation = make_donation(1)
    (device,) = devices_of(donation)
    act(device, "start_reconditioning")
    act(device, "record_erasure", UNVERIFIED)
    (text,) = pages_of(client.get(f"/donations/{donation.id}/erasure-certificate.pdf"))
    assert "Pending: not verified" in text and "Erased:" not in text


def test_the_issuer_is_the_workshop_lead_or_the_signed_in_user(app, client, login, donation):
    user = login("coordinator")
    client.post("/lang/en")
    url = f"/donations/{donation.id}/erasure-certificate.pdf"
    (text,) = pages_of(client.get(url))
    assert f"Issued by {user.name} Workshop lead, Atelier de reconditionnement" in text
    app.config.update(WORKSHOP_LEAD="Claire Dubois", WORKSHOP_LEAD_ROLE="Responsable d'atelier")
    try:
        (text,) = pages_of(client.get(url))
    finally:
        app.config.update(WORKSHOP_LEAD="", WORKSHOP_LEAD_ROLE="")
    assert "Issued by Claire Dubois Responsable d'atelier, Atelier de reconditionnement" in text


def test_a_long_certificate_repeats_its_header_and_numbers_its_pages(
    client, login, make_donation, count_queries
):
    login("viewer")
    client.post("/lang/en")
    small = make_donation(2)
    with count_queries() as few:
        pages_of(client.get(f"/donations/{small.id}/erasure-certificate.pdf"))
    donation = make_donation(70)
    for device in devices_of(donation)[:30]:
        act(device, "start_reconditioning")
        act(device, "record_erasure", {**ERASED, "storage_serial": f"D-{device.asset_tag}"})
    with count_queries() as many:
        pages = pages_of(client.get(f"/donations/{donation.id}/erasure-certificate.pdf"))
    assert len(many) == len(few)
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Data erasure certificate · {donation.reference}" in text
        assert "Asset tag" in text and "Verification" in text
    everything = " ".join(pages)
    assert all(device.asset_tag in everything for device in devices_of(donation))


def test_an_unknown_donation_is_not_found(client, login):
    login("viewer")
    assert client.get("/donations/999999/erasure-certificate.pdf").status_code == 404


def test_mediators_may_read_the_certificate(client, login, donation):
    login("mediator")
    assert client.get(f"/donations/{donation.id}/erasure-certificate.pdf").status_code == 200
