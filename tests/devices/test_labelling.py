"""Printing labels from the application, and pre-printed tags taken at intake."""

import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from reuse_tracker.devices import labelling
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.scanning import read_scan
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.intake.services import register_donation


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("RT-000123", "RT-000123"),
        ("rt-000123", "RT-000123"),
        ("  RT000123\n", "RT-000123"),
        ("123", "RT-000123"),
        ("https://reuse.example.org/d/RT-000123", "RT-000123"),
        ("http://127.0.0.1:5000/d/rt-000042/", "RT-000042"),
        ('RT)àààé&"', "RT-000213"),  # a US-layout scanner on a French keyboard
        ("https://reuse.example.org/devices", None),
        ("XX-000123", None),
        ("", None),
        ("RT-0001234567890", None),
    ],
)
def test_read_scan(code, tag):
    assert read_scan(code, "RT") == tag


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_device_label_pdf(client, login, make_device):
    login("workshop")
    device = make_device()
    response = client.get(f"/devices/{device.asset_tag}/label.pdf?layout=brother-62x29")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert device.asset_tag in _text(response.data)
    assert "Dell Latitude 5490" in _text(response.data)


def test_bad_layout_or_start_is_explained(client, login, make_device):
    login("workshop")
    device = make_device()
    response = client.get(f"/devices/{device.asset_tag}/label.pdf?layout=avery-9999")
    assert response.status_code == 422 and "Avery L7160 — 21 per A4 sheet" in response.text
    response = client.get(f"/devices/{device.asset_tag}/label.pdf?layout=avery-l7160&start=22")
    assert response.status_code == 422


def test_selection_labels(client, login, make_donation, db_session):
    login("coordinator")
    donation = make_donation(4)
    tags = db_session.scalars(
        sa.select(Device.asset_tag).where(Device.donation_id == donation.id)
    ).all()
    response = client.post(
        "/devices/labels.pdf", data={"tag": tags[:3], "layout": "avery-l7651", "start": "5"}
    )
    assert response.status_code == 200
    text = _text(response.data)
    assert all(tag in text for tag in tags[:3]) and tags[3] not in text


def test_viewers_cannot_print_labels(client, login, make_device):
    login("viewer")
    assert client.get(f"/devices/{make_device().asset_tag}/label.pdf").status_code == 403


def _preprint(count=3):
    batch = labelling.preprint(count, None, "pick-up")
    db.session.commit()
    return batch


def test_a_coordinator_preprints_a_run_of_tags(client, login):
    login("coordinator")
    response = client.post(
        "/labels/preprinted",
        data={"count": "5", "layout": "avery-l7160", "start": "1", "note": "Banque"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "RT-000001" in page and "RT-000005" in page
    link = re.search(r'href="(/labels/preprinted/\d+\.pdf)"', page).group(1)
    pdf = client.get(link).data
    assert "RT-000005" in _text(pdf)


def test_intake_takes_a_scanned_preprinted_tag_and_allocates_the_others(app_ctx):
    batch = _preprint(3)
    rows = [
        {"type": "laptop", "brand": "HP", "model": "840 G5", "serial": f"5CG{i}", "asset_tag": tag}
        for i, tag in enumerate(["https://reuse.example.org/d/RT-000002", "", "rt-000003"])
    ]
    donation = register_donation({"name": "Donor"}, "2026-11-02", rows, actor=None)
    db.session.commit()
    tags = db.session.scalars(
        sa.select(Device.asset_tag).where(Device.donation_id == donation.id).order_by(Device.serial)
    ).all()
    assert tags == ["RT-000002", "RT-000004", "RT-000003"]
    assert batch.first_tag == "RT-000001"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("RT-000009", "was not printed"),
        ("not-a-label", "not one of our labels"),
    ],
)
def test_intake_refuses_a_tag_that_is_not_a_free_preprinted_one(app_ctx, given, reason):
    _preprint(3)
    rows = [{"type": "laptop", "brand": "HP", "model": "840", "serial": "A1", "asset_tag": given}]
    with pytest.raises(ValidationError) as refused:
        register_donation({"name": "Donor"}, "2026-11-02", rows, actor=None)
    assert any(reason in message for message in refused.value.fields.values())


def test_intake_refuses_a_preprinted_tag_used_twice(app_ctx):
    _preprint(3)
    row = {"type": "laptop", "brand": "HP", "model": "840", "asset_tag": "RT-000001"}
    with pytest.raises(ValidationError) as refused:
        register_donation(
            {"name": "D"},
            "2026-11-02",
            [{**row, "serial": "A"}, {**row, "serial": "B"}],
            actor=None,
        )
    assert "two devices" in " ".join(refused.value.fields.values())
    db.session.rollback()
    register_donation({"name": "D"}, "2026-11-02", [{**row, "serial": "A"}], actor=None)
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        register_donation({"name": "D"}, "2026-11-02", [{**row, "serial": "C"}], actor=None)
    assert "already on another device" in " ".join(refused.value.fields.values())


def test_a_new_donation_offers_its_labels_and_prints_them_with_a_start(
    client, login, make_donation
):
    login("workshop")
    donation = make_donation(5)
    page = client.get(f"/donations/{donation.id}?print_labels=1").text
    assert f'action="/donations/{donation.id}/labels.pdf"' in page
    response = client.get(f"/donations/{donation.id}/labels.pdf?layout=avery-l7163&start=3")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    assert all(f"RT-00000{n}" in _text(response.data) for n in range(1, 6))
    assert client.get(f"/donations/{donation.id}/labels.pdf?start=99").status_code == 422


def test_the_typing_grid_takes_a_scanned_preprinted_label(client, login, db_session):
    login("workshop")
    _preprint(2)
    row = {"type": "laptop", "brand": "Dell", "model": "Latitude 5490"}
    data = {"donor_name": "Banque fictive", "donor_kind": "company", "received_on": "2026-11-02"}
    for index, (tag, serial) in enumerate(
        [("https://reuse.example.org/d/RT-000002", "AB1"), ("", "AB2")]
    ):
        data.update({f"devices-{index}-{key}": value for key, value in row.items()})
        data.update({f"devices-{index}-asset_tag": tag, f"devices-{index}-serial": serial})
    response = client.post("/donations/new", data=data)
    assert response.status_code == 302, response.text
    tags = dict(db_session.execute(sa.select(Device.serial, Device.asset_tag)).all())
    assert tags == {"AB1": "RT-000002", "AB2": "RT-000003"}
