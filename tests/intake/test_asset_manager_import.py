"""Intake straight from a donor's asset-manager export, with a column-mapping step."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake import csv_import
from reuse_tracker.intake.models import DonorImportMapping
from tests.intake.helpers import confirm_token, csv_file, recorded, upload

#: Snipe-IT's asset list export: comma-separated, UTF-8 with a BOM, US dates.
SNIPE_IT = (
    "Company,Asset Tag,Asset Name,Serial,Model,Model No.,Category,Manufacturer,Status,"
    "Checked Out To,Location,Purchase Date,Purchase Cost,Order Number,Supplier,Notes",
    "Acme Corp,ACME-00412,LT-0412,5CG8123XYZ,Latitude 7490,P73G,Laptops,Dell Inc.,"
    'Ready to Deploy,,HQ - 3rd floor,03/15/2019,"1,249.00",PO-2019-044,CDW,',
    "Acme Corp,ACME-00413,LT-0413,5CG8123XZA,EliteBook 840 G5,,Laptops,HP,Ready to Deploy,,"
    "HQ - 3rd floor,11/02/2018,999.00,PO-2018-112,CDW,battery worn",
    "Acme Corp,ACME-00977,MON-0977,CN-0F8X2K,P2419H,,Monitors,Dell Inc.,Archived,,Storage,"
    "07/30/2020,179.99,,,",
)
#: GLPI's computer list export: semicolon-separated, French headers, a GLPI-specific type.
GLPI = (
    "Nom;Entité;Statut;Fabricant;Numéro de série;Type;Modèle;Système d'exploitation - Nom;"
    "Lieu;Dernière modification;Composants - Processeur",
    "PC-COMPTA-01;Entité racine > Siège;Réformé;HP;CZC1234ABC;Ordinateurs portables;"
    "HP EliteBook 840 G5;Microsoft Windows 10 Professionnel;Siège > 2e étage;2021-01-12 10:42;"
    "Intel Core i5-8350U",
    "PC-ACCUEIL-02;Entité racine > Siège;Réformé;Dell Inc.;7XK9L42;Poste de travail;"
    "OptiPlex 7050;Microsoft Windows 10 Professionnel;Siège > Accueil;2021-01-12 10:43;"
    "Intel Core i5-7500",
)


def upload_token(page: str) -> str:
    import re

    return re.search(r'name="upload" value="([^"]+)"', page).group(1)


def _select(page: str, name: str) -> str | None:
    import re

    block = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    chosen = block and re.search(r'<option value="([^"]*)" selected', block.group(0))
    return chosen.group(1) if chosen else None


def test_a_snipe_it_export_is_read_as_it_comes(client, login):
    login("workshop")
    file = csv_file(*SNIPE_IT, encoding="utf-8-sig", newline="\n")
    page = client.post("/donations/import", data=upload(file, "assets-2026-11-20.csv")).text
    token = confirm_token(page)
    assert "Check before importing" in page and token
    client.post("/donations/import/confirm", data={"token": token})
    devices = db.session.scalars(sa.select(Device).order_by(Device.serial)).all()
    assert [(d.type, d.brand, d.serial, d.donor_asset_number, d.year) for d in devices] == [
        ("laptop", "Dell Inc.", "5CG8123XYZ", "ACME-00412", 2019),
        ("laptop", "HP", "5CG8123XZA", "ACME-00413", 2018),
        ("monitor", "Dell Inc.", "CN-0F8X2K", "ACME-00977", 2020),
    ]


def test_a_glpi_export_with_an_unknown_category_goes_through_the_mapping_step(client, login):
    login("workshop")
    donor = {"donor_name": "Mutuelle de l'Erdre", "siret": ""}
    page = client.post("/donations/import", data=upload(csv_file(*GLPI), **donor)).text
    assert "Tell us how this file reads" in page
    assert "“Poste de travail” means" in page
    assert _select(page, "column-serial") == "Numéro de série"
    assert _select(page, "column-type") == "Type"
    assert "unknown type poste de travail" in page
    choices = {
        "upload": upload_token(page),
        "column-type": "Type",
        "column-brand": "Fabricant",
        "column-model": "Modèle",
        "column-serial": "Numéro de série",
        "column-donor_asset_number": "Nom",
        "column-cpu": "Composants - Processeur",
        "value-count": "1",
        "value-0": "Poste de travail",
        "type-0": "desktop",
    }
    preview = client.post("/donations/import/mapping", data=choices).text
    assert "Check before importing" in preview
    assert recorded()[2] == 0
    client.post("/donations/import/confirm", data={"token": confirm_token(preview)})
    devices = {d.serial: d for d in db.session.scalars(sa.select(Device))}
    assert devices["7XK9L42"].type == "desktop" and devices["CZC1234ABC"].type == "laptop"
    assert devices["7XK9L42"].donor_asset_number == "PC-ACCUEIL-02"
    assert devices["CZC1234ABC"].cpu == "Intel Core i5-8350U"
    # The next file of the same donor is read with the same choices, without asking.
    again = GLPI[0] + "\r\n" + GLPI[2].replace("7XK9L42", "8YL0M53") + "\r\n"
    page = client.post("/donations/import", data=upload(again.encode(), **donor)).text
    assert "Check before importing" in page and "Tell us how this file reads" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DonorImportMapping)) == 1


def test_an_export_without_a_type_column_asks_for_it(client, login):
    login("workshop")
    intune = csv_file(
        "Device name,Managed by,Ownership,Compliance,OS,OS version,Serial number,Manufacturer,"
        "Model,Primary user UPN",
        "DESKTOP-7H2K1,Intune,Corporate,Compliant,Windows,10.0.19045.3803,PF2ABC12,LENOVO,"
        "ThinkPad T14 Gen 1,j.dupont@example.com",
        "IPAD-0042,Intune,Corporate,Compliant,iPadOS,17.1,DMPXK0ABCD12,Apple,iPad (9th gen),",
    )
    page = client.post("/donations/import", data=upload(intune))
    assert page.status_code == 200 and "Tell us how this file reads" in page.text
    assert "Required columns are missing: Type." in page.text
    assert _select(page.text, "column-type") is None
    base = {
        "upload": upload_token(page.text),
        "column-brand": "Manufacturer",
        "column-model": "Model",
        "column-serial": "Serial number",
    }
    refused = client.post("/donations/import/mapping", data=base)
    assert refused.status_code == 422 and "choose the column that holds it" in refused.text
    step = client.post("/donations/import/mapping", data={**base, "column-type": "OS"})
    assert "“Windows” means" in step.text and "“iPadOS” means" in step.text
    values = {"value-count": "2", "value-0": "Windows", "type-0": "laptop"}
    values |= {"value-1": "iPadOS", "type-1": "tablet"}
    final = client.post("/donations/import/mapping", data={**base, "column-type": "OS", **values})
    assert "Check before importing" in final.text
    client.post("/donations/import/confirm", data={"token": confirm_token(final.text)})
    types = dict(db.session.execute(sa.select(Device.serial, Device.type)).all())
    assert types == {"PF2ABC12": "laptop", "DMPXK0ABCD12": "tablet"}


def test_excel_unicode_text_is_read(client, login):
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated."""
    login("workshop")
    lines = ["Type\tMarque\tModèle\tN° de série", "Ordinateur portable\tAcer\tTravelMate\tNXVÉ01"]
    page = client.post("/donations/import", data=upload(csv_file(*lines, encoding="utf-16")))
    assert "Check before importing" in page.text and "NXVÉ01" in page.text
    semicolons = [line.replace("\t", ";") for line in lines]
    page = client.post("/donations/import", data=upload(csv_file(*semicolons, encoding="utf-16")))
    assert "Check before importing" in page.text


def test_headers_and_values_of_other_asset_managers_are_recognised():
    lansweeper = "AssetName;AssetType;Manufacturer;Model;Serialnumber;IPAddress\r\n"
    lansweeper += "WKS-001;Laptop;LENOVO;20L5CTO1WW;PF1A2B3C;10.0.0.12\r\n"
    ocs = "NAME,OSNAME,SMANUFACTURER,SMODEL,SSN,TYPE,PROCESSORT\r\n"
    ocs += "PC-42,Windows 10,Dell Inc.,OptiPlex 3060,4HJ2K3X,Desktop,Intel Core i3-8100\r\n"
    generic = "Asset Type,Asset Make,Asset Model,Asset Serial,Purchase date\r\n"
    generic += "Desktop Computer,HP,ProDesk 600 G4,CZC9ABCDEF,12/31/17\r\n"
    for text, expected in (
        (lansweeper, ("laptop", "LENOVO", "PF1A2B3C")),
        (ocs, ("desktop", "Dell Inc.", "4HJ2K3X")),
        (generic, ("desktop", "HP", "CZC9ABCDEF")),
    ):
        parsed = csv_import.parse(text.encode())
        assert parsed.errors == {} and not parsed.needs_mapping, text
        (row,) = parsed.rows
        assert (row["type"], row["brand"], row["serial"]) == expected
    assert csv_import.parse(generic.encode()).rows[0]["year"] == "2017"
    for word in ("Laptops", "Ordinateurs portables", "Notebooks", "Mobile Phones", "Tablets"):
        assert csv_import.device_type(word) in {"laptop", "smartphone", "tablet"}, word
