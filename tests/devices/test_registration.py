"""Checking devices at intake: the column-by-column pass agrees with the row-by-row one."""

from decimal import Decimal

import pytest

from reuse_tracker.devices.registration import (
    DeviceSpec,
    check_devices,
    clean_device,
    clean_devices,
)

GOOD_ROWS = [
    {"type": "laptop", "brand": "Lenovo", "model": "ThinkPad T480", "serial": "PF-0001"},
    {
        "type": " Desktop ",
        "brand": " Dell ",
        "model": "OptiPlex 7050",
        "serial": "sn 0002",
        "donor_asset_number": "INV-2",
        "cpu": "Intel Core i5-7500",
        "ram_gb": "8",
        "storage_gb": 256,
        "year": "2018 ",
        "weight_kg": "5,2",
    },
    {
        "type": "monitor",
        "brand": "Iiyama",
        "model": "E2283HS",
        "serial": "X3",
        "cpu": "",
        "ram_gb": None,
        "weight_kg": 3.4,
    },
    {"type": "tablet", "brand": "Apple", "model": "iPad 6", "serial": "DMP4", "weight_kg": "0.47"},
    {
        "type": "smartphone",
        "brand": "Samsung",
        "model": "Galaxy A52",
        "serial": "R58",
        "asset_tag": "http://reuse.example/d/RT-000042",
    },
]


def test_good_rows_give_the_same_specs_both_ways(app_ctx):
    one_by_one = [clean_device(row) for row in GOOD_ROWS]
    assert all(errors == {} for _, errors in one_by_one)
    specs = clean_devices(GOOD_ROWS)
    assert specs == [spec for spec, _ in one_by_one]
    assert specs[1].type == "desktop" and specs[1].serial_key == "SN0002"
    assert specs[1].weight_kg == Decimal("5.20") and specs[1].ram_gb == 8
    assert specs[2].cpu is None and specs[2].weight_kg == Decimal("3.40")
    assert specs[4].asset_tag == "RT-000042"
    assert all(isinstance(spec, DeviceSpec) for spec in specs)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "toaster"),
        ("type", ""),
        ("brand", ""),
        ("serial", "   "),
        ("model", "x" * 121),
        ("ram_gb", "huit"),
        ("year", "1979"),
        ("storage_gb", "12.5"),
        ("weight_kg", "-1"),
        ("asset_tag", "bonjour"),
        ("ram_gb", [8]),
    ],
)
def test_a_bad_value_sends_every_row_to_the_row_by_row_check(app_ctx, field, value):
    rows = [dict(row) for row in GOOD_ROWS]
    rows[3][field] = value
    assert clean_devices(rows) is None
    _, errors = clean_device(rows[3])
    assert field in errors


def test_a_serial_twice_is_left_to_the_row_by_row_check_which_names_both(db_session):
    rows = [dict(row) for row in GOOD_ROWS]
    rows[2]["serial"] = "pf 0001"
    assert clean_devices(rows) is None
    with pytest.raises(Exception) as error:
        check_devices(rows)
    assert "appears twice" in error.value.fields["device 3 · serial"]
