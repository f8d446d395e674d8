"""Quick entry of a donation: the donor, the date, and a grid of devices typed in."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor
from tests.intake.helpers import recorded

DONOR = {
    "donor_name": "Crédit Mutuel Océan",
    "donor_kind": "company",
    "siret": "",
    "contact_name": "Léa Durand",
    "contact_email": "lea.durand@example.org",
    "contact_phone": "02 40 00 00 00",
    "received_on": "2026-11-20",
    "notes": "Lot du 3e étage",
}


def grid(*rows: dict, start: int = 0) -> dict:
    """Return the form fields of grid rows, as the browser sends them (empty cells too)."""
    fields = {}
    for index, row in enumerate(rows, start):
        for name in (
            "type",
            "brand",
            "model",
            "serial",
            "donor_asset_number",
            "cpu",
            "ram_gb",
            "storage_gb",
            "year",
            "weight_kg",
        ):
            fields[f"devices-{index}-{name}"] = row.get(name, "")
    return fields


LAPTOP = {
    "type": "laptop",
    "brand": "HP",
    "model": "EliteBook 840 G5",
    "ram_gb": "8",
    "storage_gb": "256",
    "year": "2018",
    "weight_kg": "1,48",
}


def test_the_form_opens_with_todays_date_empty_rows_and_known_donors(client, login, make_donation):
    make_donation(1, donor="Orange Business")
    login("workshop")
    page = client.get("/donations/new").text
    assert f'value="{clock.today().isoformat()}"' in page
    assert 'name="devices-9-serial"' in page and 'name="devices-10-serial"' not in page
    assert '<option value="Orange Business">' in page
    assert 'src="/static/js/intake.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline scripts break the CSP"
    assert " style=" not in page


def test_a_donation_typed_in_is_recorded_and_shown(client, login):
    user = login("workshop")
    rows = grid(
        {**LAPTOP, "serial": "5CG8231XYZ", "donor_asset_number": "CMO-0042"},
        {},
        {**LAPTOP, "serial": "5CG8231XZA"},
        {},
        {"type": "monitor", "brand": "Dell", "model": "P2419H", "serial": "CN-0ABC"},
    )
    response = client.post("/donations/new", data={**DONOR, **rows})
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "recorded: 3 devices." in page
    assert "Crédit Mutuel Océan" in page and "Lot du 3e étage" in page
    assert "5CG8231XYZ" in page and "CN-0ABC" in page
    donation = db.session.scalar(sa.select(Donation))
    assert donation.received_on == date(2026, 11, 20) and donation.received_by_id == user.id
    assert donation.donor.contact_email == "lea.durand@example.org"
    first = db.session.scalar(sa.select(Device).where(Device.serial == "5CG8231XYZ"))
    assert (first.ram_gb, str(first.weight_kg), first.donor_asset_number) == (8, "1.48", "CMO-0042")


def test_errors_keep_every_typed_value_and_show_at_their_row_and_field(client, login):
    login("coordinator")
    rows = grid(
        {**LAPTOP, "serial": "SN-1"},
        {**LAPTOP, "serial": ""},
        {**LAPTOP, "serial": "sn 1"},
        {**LAPTOP, "serial": "SN-4", "year": "20l8"},
    )
    response = client.post("/donations/new", data={**DONOR, "siret": "12345678900000", **rows})
    assert response.status_code == 422
    page = response.text
    assert recorded() == (0, 0, 0)
    assert 'value="Crédit Mutuel Océan"' in page and 'value="lea.durand@example.org"' in page
    assert page.count('value="EliteBook 840 G5"') == 4 and 'value="20l8"' in page
    assert 'value="sn 1"' in page
    errors = dict(
        re.findall(r'<div class="invalid-feedback" id="([^"]+)-error">([^<]+)</div>', page)
    )
    assert errors["devices-1-serial"] == "is required"
    assert "appears twice in this batch (also row 1)" in errors["devices-2-serial"]
    assert errors["devices-3-year"] == "must be a number"
    assert "not a valid SIRET" in errors["siret"]
    assert 'href="#devices-1-serial"' in page  # the summary links to the field


def test_rows_are_numbered_as_on_screen_even_after_empty_rows(client, login):
    login("coordinator")
    rows = grid({**LAPTOP, "serial": "A1"}, {}, {}, {**LAPTOP, "brand": "", "serial": "A2"})
    page = client.post("/donations/new", data={**DONOR, **rows}).text
    assert "row 4 · Brand: is required" in page
    assert 'id="devices-3-brand-error"' in page


def test_more_rows_adds_ten_rows_and_keeps_the_values(client, login):
    login("coordinator")
    rows = grid(*[{**LAPTOP, "serial": f"S{n}"} for n in range(10)])
    response = client.post("/donations/new", data={**DONOR, **rows, "more_rows": "1"})
    assert response.status_code == 200
    assert 'name="devices-19-serial"' in response.text and 'value="S9"' in response.text
    assert recorded() == (0, 0, 0)


def test_more_rows_than_a_form_takes_are_refused_not_cut(client, login):
    login("coordinator")
    rows = grid(*[{**LAPTOP, "serial": f"S{n}"} for n in range(501)])
    response = client.post("/donations/new", data={**DONOR, **rows})
    assert response.status_code == 422
    assert "at most 500 devices" in response.text
    assert recorded() == (0, 0, 0)


def test_an_empty_grid_is_refused(client, login):
    login("coordinator")
    response = client.post("/donations/new", data={**DONOR, **grid({}, {})})
    assert response.status_code == 422
    assert "at least one device is required" in response.text
    assert recorded() == (0, 0, 0)


def test_a_known_donor_picked_from_the_list_is_reused(client, login, make_donation):
    make_donation(1, donor="Orange Business")
    login("coordinator")
    data = {**DONOR, "donor_name": "orange business", **grid({**LAPTOP, "serial": "O1"})}
    assert client.post("/donations/new", data=data).status_code == 302
    assert recorded() == (1, 2, 2)
    assert db.session.scalar(sa.select(Donor.name)) == "Orange Business"


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_viewers_and_mediators_cannot_create_donations(client, login, role):
    login(role)
    assert client.get("/donations/new").status_code == 403
    data = {**DONOR, **grid({**LAPTOP, "serial": "X1"})}
    assert client.post("/donations/new", data=data).status_code == 403
    assert recorded()[1:] == (0, 0)


def test_signed_out_visitors_are_sent_to_the_sign_in_page(client):
    response = client.get("/donations/new")
    assert response.status_code == 302 and "/login" in response.location
