"""Reading the CSV files people really export (the parser alone: no database)."""

from decimal import Decimal

import pytest

from reuse_tracker.devices.registration import clean_device
from reuse_tracker.intake import csv_import
from reuse_tracker.intake.csv_import import parse
from tests.intake.helpers import HEADER_FR, csv_file


def test_a_windows_1252_file_with_semicolons_and_accents_is_read_as_written():
    data = csv_file(
        HEADER_FR,
        "PC portable;Lenovo;ThinkPad T480 – édition Éducation;PF1ABC;INV-é01;Intel Core i5;"
        "8 Go;256;2018;1,6",
        "Écran;Iiyama;ProLite E2283HS;ECR001;;;;;2017;4,2",
        encoding="cp1252",
    )
    parsed = parse(data)
    assert parsed.errors == {}
    assert (parsed.encoding, parsed.delimiter) == ("cp1252", ";")
    assert parsed.lines == [2, 3]
    laptop, monitor = parsed.rows
    assert laptop["model"] == "ThinkPad T480 – édition Éducation"
    assert laptop["donor_asset_number"] == "INV-é01"
    assert (laptop["type"], laptop["ram_gb"], laptop["weight_kg"]) == ("laptop", "8", "1,6")
    assert (monitor["type"], monitor["serial"], monitor["weight_kg"]) == (
        "monitor",
        "ECR001",
        "4,2",
    )


def test_a_utf8_file_with_a_bom_and_english_headers_is_read():
    data = csv_file(
        "Type,Brand,Model,Serial number,Asset number",
        "laptop,HP,EliteBook 840,5CG7,A-1",
        encoding="utf-8-sig",
    )
    parsed = parse(data)
    assert parsed.errors == {}
    assert parsed.columns["type"] == "Type"  # not "\ufeffType"
    assert parsed.rows == [
        {
            "type": "laptop",
            "brand": "HP",
            "model": "EliteBook 840",
            "serial": "5CG7",
            "donor_asset_number": "A-1",
        }
    ]


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file():
    data = csv_file(
        "",
        "Type;Marque;Modèle;N° de série",
        "",
        "fixe;Dell;OptiPlex 7050;D1",
        " ; ; ; ",
        "",
        "tour;HP;ProDesk 400;D2",
        "",
    )
    parsed = parse(data)
    assert parsed.errors == {}
    assert [row["serial"] for row in parsed.rows] == ["D1", "D2"]
    assert parsed.lines == [4, 7]


def test_a_tab_separated_file_is_read():
    parsed = parse(csv_file("Type\tMarque\tModèle\tS/N", "tablette\tApple\tiPad 6\tDMPX1"))
    assert parsed.errors == {}
    assert parsed.delimiter == "\t"
    assert parsed.rows[0] == {
        "type": "tablet",
        "brand": "Apple",
        "model": "iPad 6",
        "serial": "DMPX1",
    }


def test_quoted_fields_keep_their_delimiters_and_line_breaks():
    data = csv_file(
        "Type;Marque;Modèle;N° de série;Processeur",
        'portable;Dell;"Latitude 5490; châssis ""pro""";SN1;"Intel Core i5\nvPro"',
        "portable;Dell;Latitude 5490;SN2;",
    )
    parsed = parse(data)
    assert parsed.errors == {}
    assert parsed.rows[0]["model"] == 'Latitude 5490; châssis "pro"'
    assert parsed.rows[0]["cpu"] == "Intel Core i5\nvPro"
    assert parsed.lines == [2, 4]  # the second row starts after the two-line cell


def test_decimal_commas_and_units_become_numbers():
    data = csv_file(
        "Type;Marque;Modèle;N° de série;Mémoire;Disque;Poids",
        "portable;Acer;TravelMate;AC1;16 Go;1 000;1,9 kg",
    )
    row = parse(data).rows[0]
    spec, errors = clean_device(row)
    assert errors == {}
    assert (spec.ram_gb, spec.storage_gb, spec.weight_kg) == (16, 1000, Decimal("1.90"))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Type", "type"),
        ("Catégorie", "type"),
        ("  MARQUE ", "brand"),
        ("Brand", "brand"),
        ("Modèle", "model"),
        ("Model", "model"),
        ("N° de série", "serial"),
        ("Numéro de série", "serial"),
        ("Serial", "serial"),
        ("Serial number", "serial"),
        ("S/N", "serial"),
        ("N° d'inventaire", "donor_asset_number"),
        ("Asset number", "donor_asset_number"),
        ("Donor asset number", "donor_asset_number"),
        ("Processeur", "cpu"),
        ("CPU", "cpu"),
        ("RAM (Go)", "ram_gb"),
        ("Mémoire", "ram_gb"),
        ("RAM GB", "ram_gb"),
        ("Stockage (Go)", "storage_gb"),
        ("Disque", "storage_gb"),
        ("Storage GB", "storage_gb"),
        ("Année", "year"),
        ("Year", "year"),
        ("Poids (kg)", "weight_kg"),
        ("Weight", "weight_kg"),
        ("Remarques", None),
        ("Stockage (Mo)", None),  # megabytes: left out, not read as gigabytes
        ("Stockage (To)", None),
    ],
)
def test_headers_are_recognised_whatever_their_case_accents_and_spaces(header, field):
    assert csv_import.field_for_header(header) == field


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("portable", "laptop"),
        ("Ordinateur portable", "laptop"),
        ("PC Portable", "laptop"),
        ("Laptop", "laptop"),
        ("fixe", "desktop"),
        ("Unité centrale", "desktop"),
        ("tour", "desktop"),
        ("Desktop", "desktop"),
        ("écran", "monitor"),
        ("Moniteur", "monitor"),
        ("Monitor", "monitor"),
        ("tablette", "tablet"),
        ("Tablet", "tablet"),
        ("Smartphone", "smartphone"),
        ("téléphone", "smartphone"),
        ("Portables", "laptop"),
        ("imprimante", "imprimante"),
    ],
)
def test_type_words_in_french_or_english_name_a_device_type(word, kind):
    assert csv_import.device_type(word) == kind


def test_missing_required_columns_are_named():
    parsed = parse(csv_file("Type;Marque;Remarque", "portable;Dell;ok"))
    assert parsed.rows == []
    assert "Model" in parsed.errors["file"] and "Serial number" in parsed.errors["file"]
    assert "Type" not in parsed.errors["file"].split(":")[1]


def test_a_file_without_a_header_line_is_refused_with_an_example():
    parsed = parse(csv_file("portable;Dell;Latitude 5490;SN1", "portable;Dell;Latitude;SN2"))
    assert parsed.rows == []
    assert "first line must name the columns" in parsed.errors["file"]
    assert "N° de série" in parsed.errors["file"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\r\n \r\n", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", "not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not a CSV file"),
        (csv_file("Type;Marque;Modèle;N° de série"), "no device rows"),
    ],
)
def test_files_that_are_not_device_lists_are_refused_clearly(data, expected):
    parsed = parse(data)
    assert parsed.rows == []
    assert expected in parsed.errors["file"]


def test_a_file_over_the_row_limit_is_refused_as_a_whole():
    lines = [f"portable;Dell;Latitude;SN{n}" for n in range(6)]
    parsed = parse(csv_file("Type;Marque;Modèle;N° de série", *lines), max_rows=5)
    assert parsed.rows == []
    assert parsed.errors == {"file": parsed.errors["file"]}
    assert "more than 5 device rows" in parsed.errors["file"]


def test_an_unquoted_decimal_comma_in_a_comma_separated_file_is_reported_at_its_line():
    parsed = parse(
        csv_file(
            "Type,Brand,Model,Serial,Weight",
            "laptop,HP,ProBook,HP1,1.5",
            "laptop,HP,ProBook,HP2,1,5",
        )
    )
    assert list(parsed.errors) == ["line 3"]
    assert "quoted" in parsed.errors["line 3"]


def test_two_columns_for_the_same_field_are_refused():
    parsed = parse(csv_file("Type;Marque;Modèle;N° de série;Serial", "portable;A;B;C;D"))
    assert "N° de série" in parsed.errors["file"] and "Serial" in parsed.errors["file"]


def test_unknown_columns_are_listed_as_not_imported():
    parsed = parse(
        csv_file(
            "Type;Marque;Modèle;N° de série;Site;Remarque", "portable;Dell;E7470;SN1;Nantes;rayure"
        )
    )
    assert parsed.errors == {}
    assert parsed.ignored == ["Site", "Remarque"]
