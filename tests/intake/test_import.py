"""CSV import, all rows or none: through the service, then upload → preview → confirm."""

import os
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.devices.services import events_of as services_events
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.intake import csv_import, services
from tests.intake.helpers import (
    HEADER_FR,
    confirm_token,
    csv_file,
    laptop_lines,
    recorded,
    upload,
)

DONOR = {"name": "Nantes Métropole", "kind": "public_body"}


def import_file(data: bytes):
    """Import a file the way the confirm step does: all rows, or none."""
    parsed = csv_import.parse(data)
    assert "file" not in parsed.errors
    donation = services.register_donation(
        DONOR, "2026-11-20", parsed.rows, actor=None, row_label=parsed.row_label
    )
    db.session.commit()
    return donation


def refused(data: bytes) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        import_file(data)
    db.session.rollback()
    return error.value.fields


def test_a_50_row_file_with_one_bad_row_imports_nothing_and_names_the_line(db_session):
    lines = laptop_lines(50)
    lines[36] = "PC portable;Lenovo;ThinkPad T480;;INV-37;Intel Core i5;8;256;2018;1,58"
    errors = refused(csv_file(HEADER_FR, *lines))
    assert errors == {"line 38 · serial": "is required"}
    assert recorded() == (0, 0, 0)


def test_a_good_file_imports_every_row_with_its_details(db_session):
    donation = import_file(csv_file(HEADER_FR, *laptop_lines(50), encoding="cp1252"))
    devices = db.session.scalars(
        sa.select(Device).where(Device.donation_id == donation.id).order_by(Device.asset_tag)
    ).all()
    assert len(devices) == 50
    first = devices[0]
    assert (first.type, first.brand, first.model, first.serial) == (
        "laptop",
        "Lenovo",
        "ThinkPad T480",
        "PF000001",
    )
    assert (first.ram_gb, first.storage_gb, first.year, str(first.weight_kg)) == (
        8,
        256,
        2018,
        "1.58",
    )
    assert first.donor_asset_number == "INV-00001"
    (event,) = services_events(first)
    assert (event.action, event.seq, event.to_status) == ("intake", 1, "received")
    assert event.payload == {
        "donation": donation.reference,
        "type": "laptop",
        "brand": "Lenovo",
        "model": "ThinkPad T480",
        "serial": "PF000001",
    }
    assert event.created_at == first.created_at and event.created_at.tzinfo is not None


def test_a_serial_twice_in_the_file_names_both_lines(db_session):
    lines = laptop_lines(5)
    lines[3] = lines[3].replace("PF000004", "pf-000001")
    errors = refused(csv_file(HEADER_FR, *lines))
    assert list(errors) == ["line 5 · serial"]
    assert "appears twice" in errors["line 5 · serial"] and "line 2" in errors["line 5 · serial"]
    assert recorded() == (0, 0, 0)


def test_a_serial_already_in_stock_is_refused_with_its_tag(db_session, make_device):
    device = make_device(serial="PF000003")
    errors = refused(csv_file(HEADER_FR, *laptop_lines(4)))
    assert errors == {"line 4 · serial": f"serial already registered as {device.asset_tag}"}
    assert recorded()[2] == 1


def test_an_unknown_type_is_refused_with_the_types_expected(db_session):
    lines = laptop_lines(3)
    lines[1] = lines[1].replace("PC portable", "Imprimante")
    errors = refused(csv_file(HEADER_FR, *lines))
    assert list(errors) == ["line 3 · type"]
    assert "imprimante" in errors["line 3 · type"] and "laptop" in errors["line 3 · type"]


def test_every_bad_row_is_reported_at_once(db_session):
    lines = laptop_lines(6)
    lines[0] = lines[0].replace("Lenovo", "")
    lines[2] = lines[2].replace("2018", "19xx")
    lines[4] = lines[4].replace("1,58", "300")
    errors = refused(csv_file(HEADER_FR, *lines))
    assert set(errors) == {"line 2 · brand", "line 4 · year", "line 6 · weight_kg"}


# Upload → preview → confirm, through the pages.


def test_upload_shows_a_preview_and_records_nothing_until_confirmed(client, login, app):
    login("coordinator")
    lines = [*laptop_lines(3), "Écran;Dell;P2419H;CN0ABC;;;;;2019;4,1"]
    response = client.post(
        "/donations/import", data=upload(csv_file(HEADER_FR, *lines, encoding="cp1252"))
    )
    assert response.status_code == 200
    page = response.text
    assert "Société Générale d&#39;Équipements" in page
    assert "PF000003" in page and "CN0ABC" in page and "P2419H" in page
    assert re.search(r"Import 4 devices", page)
    token = confirm_token(page)
    assert token and (Path(app.instance_path) / "imports" / f"{token}.csv").exists()
    assert recorded() == (0, 0, 0)

    response = client.post("/donations/import/confirm", data={"token": token})
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "4 devices imported from dons.csv" in page
    assert "PF000001" in page and "CN0ABC" in page
    assert recorded() == (1, 1, 4)
    assert not list((Path(app.instance_path) / "imports").glob(f"{token}.*"))
    again = client.post("/donations/import/confirm", data={"token": token})  # a double click
    assert again.status_code == 410
    assert recorded() == (1, 1, 4)


def test_a_file_with_errors_shows_every_error_by_line_and_no_confirm_button(client, login):
    login("workshop")
    lines = laptop_lines(4)
    lines[1] = lines[1].replace("PF000002", "")
    lines[3] = lines[3].replace("PC portable", "Imprimante")
    response = client.post("/donations/import", data=upload(csv_file(HEADER_FR, *lines)))
    assert response.status_code == 422
    page = response.text
    assert "2 problems found: nothing was recorded." in page
    assert "<strong>line 3 · N° de série</strong>: is required" in page
    assert "<strong>line 5 · Type</strong>: unknown type imprimante" in page
    assert confirm_token(page) is None
    assert recorded() == (0, 0, 0)


def test_file_level_errors_and_donor_errors_show_on_the_preview(client, login):
    login("coordinator")
    response = client.post(
        "/donations/import",
        data=upload(
            csv_file("Type;Marque;Remarque", "portable;Dell;ok"), donor_name="", siret="123"
        ),
    )
    # Not a refusal: the column-mapping step asks which columns hold them.
    assert response.status_code == 200 and "Tell us how this file reads" in response.text
    assert "Required columns are missing: Model, Serial number." in response.text
    response = client.post(
        "/donations/import",
        data=upload(csv_file(HEADER_FR, *laptop_lines(2)), donor_name="", siret="123"),
    )
    assert response.status_code == 422
    assert "is required" in response.text and "is not a valid SIRET" in response.text


def test_confirming_an_unknown_or_expired_import_is_refused(client, login, app):
    login("coordinator")
    response = client.post("/donations/import/confirm", data={"token": "x" * 32})
    assert response.status_code == 410
    assert "no longer available" in response.text
    assert (
        client.post("/donations/import/confirm", data={"token": "../../secret_key"}).status_code
        == 410
    )

    page = client.post("/donations/import", data=upload(csv_file(HEADER_FR, *laptop_lines(2)))).text
    token = confirm_token(page)
    stale = time.time() - 2 * 3600
    for path in (Path(app.instance_path) / "imports").glob(f"{token}.*"):
        os.utime(path, (stale, stale))
    response = client.post("/donations/import/confirm", data={"token": token})
    assert response.status_code == 410
    assert recorded() == (0, 0, 0)


def test_an_import_can_be_confirmed_once_and_only_by_its_uploader(client, login):
    login("coordinator")
    token = confirm_token(
        client.post("/donations/import", data=upload(csv_file(HEADER_FR, *laptop_lines(2)))).text
    )
    client.post("/logout")
    login("coordinator")
    assert client.post("/donations/import/confirm", data={"token": token}).status_code == 410
    assert recorded() == (0, 0, 0)


def test_serials_registered_between_preview_and_confirm_are_caught(client, login, make_device):
    login("coordinator")
    token = confirm_token(
        client.post("/donations/import", data=upload(csv_file(HEADER_FR, *laptop_lines(3)))).text
    )
    make_device(serial="PF000002")
    response = client.post("/donations/import/confirm", data={"token": token})
    assert response.status_code == 422
    assert "serial already registered" in response.text
    assert 'value="Société Générale d&#39;Équipements"' in response.text  # ready to send again
    assert recorded()[2] == 1


def test_the_template_opens_in_excel_and_reads_back(client, login):
    login("coordinator")
    response = client.get("/donations/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(
        b"\xef\xbb\xbfType;Marque;Mod\xc3\xa8le;N\xc2\xb0 de s\xc3\xa9rie"
    )
    parsed = csv_import.parse(response.data + b"portable;Dell;E5470;SN1\r\n")
    assert parsed.errors == {} and parsed.ignored == []
    assert len(parsed.columns) == 10


def test_an_upload_over_the_size_limit_is_refused(client, login, app, monkeypatch):
    login("coordinator")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = client.post(
        "/donations/import", data=upload(csv_file(HEADER_FR, *laptop_lines(100)))
    )
    assert response.status_code == 413


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_viewers_and_mediators_cannot_import(client, login, role):
    login(role)
    assert client.get("/donations/import").status_code == 403
    data = upload(csv_file(HEADER_FR, *laptop_lines(2)))
    assert client.post("/donations/import", data=data).status_code == 403
    assert client.post("/donations/import/confirm", data={"token": "x" * 32}).status_code == 403
    assert client.get("/donations/import/template.csv").status_code == 403
    assert recorded()[1:] == (0, 0)
