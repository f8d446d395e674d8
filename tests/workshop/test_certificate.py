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


def test_the_certificate_certifies_only_what_was_erased(client, login, donation):
    login("viewer")
    client.post("/lang/en")
    response = client.get(f"/donations/{donation.id}/erasure-certificate.pdf")
    pages = pages_of(response)
    text = " ".join(pages)
    assert (
        f"{donation.reference}-erasure-certificate.pdf" in response.headers["Content-Disposition"]
    )
    assert "Data erasure certificate" in text and donation.reference in text
    assert "Société Exemple" in text and "NIST SP 800-88 Rev. 2" in text
    erased, failed, untouched, destroyed, monitor = devices_of(donation)
    certified, rest = text.split("Devices without data storage (nothing to erase)")
    for device in (erased, destroyed):
        assert device.asset_tag in certified and device.serial in certified
    for disk in ("S3Z9NB0K123456A", "WD-WX11A1", "KINGSTON-9"):
        assert disk in certified
    assert "Samsung SSD 860 250 GB" in certified and "nwipe 0.34" in certified
    assert "Clear / Overwrite" in certified and "Destroy / Physical destruction" in certified
    assert "Sofia Moreau" in certified and ("3/12/21" in text or "12/03/2021" in text)
    # Devices not erased are listed apart, never in the certified table.
    for device in (failed, untouched, monitor):
        assert device.asset_tag not in certified and device.asset_tag in rest
    assert "W6209XYZ: failed" in rest
    pending = rest.split("Devices still pending: NOT covered by this certificate")[1]
    assert failed.asset_tag in pending and untouched.asset_tag in pending
    assert monitor.asset_tag not in pending
    assert "Erased: 1 · Medium destroyed: 1 · Pending: not erased yet: 2" in text
    assert "Signature:" in certified


def test_no_certificate_for_a_donation_with_nothing_erased(client, login, make_donation):
    login("workshop")
    client.post("/lang/en")
    donation = make_donation(1)
    (device,) = devices_of(donation)
    act(device, "start_reconditioning")
    act(device, "record_erasure", UNVERIFIED)
    response = client.get(f"/donations/{donation.id}/erasure-certificate.pdf")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "has been erased yet: no erasure certificate is issued" in page
    from reuse_tracker.documents.models import IssuedDocument

    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)) == 0


def test_more_devices_erased_issue_a_new_version(client, login, make_donation):
    login("workshop")
    client.post("/lang/en")
    donation = make_donation(2)
    first, second = devices_of(donation)
    for device in (first, second):
        act(device, "start_reconditioning")
    act(first, "record_erasure", {**ERASED, "storage_serial": "DISK-1"})
    url = f"/donations/{donation.id}/erasure-certificate.pdf"
    v1 = client.get(url).data
    assert client.get(url).data == v1
    act(second, "record_erasure", {**ERASED, "storage_serial": "DISK-2"})
    v2 = client.get(url)
    text = " ".join(pages_of(v2))
    assert v2.data != v1 and "v2" in text and "DISK-2" in text.split("Signature")[0]


def test_the_signature_stays_on_the_page_of_the_last_erased_device(client, login, make_donation):
    login("viewer")
    client.post("/lang/en")
    donation = make_donation(40)
    devices = devices_of(donation)
    for device in devices:
        act(device, "start_reconditioning")
        act(device, "record_erasure", {**ERASED, "storage_serial": f"D-{device.asset_tag}"})
    pages = pages_of(client.get(f"/donations/{donation.id}/erasure-certificate.pdf"))
    assert len(pages) >= 2
    (signed,) = [text for text in pages if "Signature:" in text]
    assert f"D-{devices[-1].asset_tag}" in signed


def test_the_issuer_is_the_workshop_lead_or_the_signed_in_user(app, client, login, donation):
    user = login("coordinator")
    client.post("/lang/en")
    url = f"/donations/{donation.id}/erasure-certificate.pdf"
    (text,) = [page for page in pages_of(client.get(url)) if "Issued by" in page]
    assert f"Issued by {user.name} Workshop lead, Atelier de reconditionnement" in text
    app.config.update(WORKSHOP_LEAD="Claire Dubois", WORKSHOP_LEAD_ROLE="Responsable d'atelier")
    try:
        (text,) = [page for page in pages_of(client.get(url)) if "Issued by" in page]
    finally:
        app.config.update(WORKSHOP_LEAD="", WORKSHOP_LEAD_ROLE="")
    assert "Issued by Claire Dubois Responsable d'atelier, Atelier de reconditionnement" in text


def test_a_long_certificate_repeats_its_header_and_numbers_its_pages(
    client, login, make_donation, count_queries
):
    login("viewer")
    client.post("/lang/en")
    warm_up, small = make_donation(1), make_donation(2)
    for device in devices_of(warm_up) + devices_of(small):
        act(device, "start_reconditioning")
        act(device, "record_erasure", {**ERASED, "storage_serial": f"D-{device.asset_tag}"})
    # The first certificate of the year creates its number counter.
    pages_of(client.get(f"/donations/{warm_up.id}/erasure-certificate.pdf"))
    with count_queries() as few:
        pages_of(client.get(f"/donations/{small.id}/erasure-certificate.pdf"))
    donation = make_donation(70)
    for device in devices_of(donation)[:30]:
        act(device, "start_reconditioning")
        act(device, "record_erasure", {**ERASED, "storage_serial": f"D-{device.asset_tag}"})
    with count_queries() as many:
        pages = pages_of(client.get(f"/donations/{donation.id}/erasure-certificate.pdf"))
    assert len(many) == len(few)
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Data erasure certificate · {donation.reference}" in text
        assert "Asset tag" in text
    everything = " ".join(pages)
    assert all(device.asset_tag in everything for device in devices_of(donation))


def test_an_unknown_donation_is_not_found(client, login):
    login("viewer")
    assert client.get("/donations/999999/erasure-certificate.pdf").status_code == 404


def test_mediators_may_read_the_certificate(client, login, donation):
    login("mediator")
    assert client.get(f"/donations/{donation.id}/erasure-certificate.pdf").status_code == 200
