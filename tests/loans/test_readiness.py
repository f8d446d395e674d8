"""Wave readiness: the pure calculation on a known data set, and the figures from the stock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans import queries
from reuse_tracker.loans.readiness import GO, LIKELY, SHORT, likely_ready, readiness


def test_known_data_set():
    figures = readiness(
        {"laptop": 160, "desktop": 10, "tablet": 5},
        ready={"laptop": 90, "desktop": 12, "tablet": 1, "monitor": 40},
        reserved={"laptop": 30},
        in_workshop={"laptop": 60, "tablet": 2},
        made_ready={"laptop": 56, "tablet": 0},
        days_until_start=10,
        window_days=28,
    )
    laptop, desktop, tablet = figures.types
    # Laptops: 130 still needed, 90 ready → 40 short now; 2 a day × 10 days = 20 likely.
    assert (laptop.target, laptop.reserved, laptop.needed, laptop.ready) == (160, 30, 130, 90)
    assert (laptop.in_workshop, laptop.likely_in_time) == (60, 20)
    assert (laptop.shortfall, laptop.expected_shortfall, laptop.verdict) == (40, 20, SHORT)
    assert (desktop.needed, desktop.shortfall, desktop.verdict) == (10, 0, GO)
    assert (tablet.shortfall, tablet.likely_in_time, tablet.verdict) == (4, 0, SHORT)
    assert figures.verdict == SHORT and not figures.is_go
    assert [row.device_type for row in figures.types] == ["laptop", "desktop", "tablet"]


def test_the_workshop_pace_can_make_it_in_time():
    figures = readiness(
        {"laptop": 50},
        ready={"laptop": 40},
        reserved={},
        in_workshop={"laptop": 30},
        made_ready={"laptop": 28},
        days_until_start=14,
    )
    row = figures.types[0]
    assert (row.shortfall, row.likely_in_time, row.expected_shortfall) == (10, 14, 0)
    assert row.verdict == LIKELY and figures.verdict == LIKELY


def test_targets_already_met_need_nothing():
    figures = readiness(
        {"laptop": 20},
        ready={},
        reserved={"laptop": 25},
        in_workshop={},
        made_ready={},
        days_until_start=-3,
    )
    row = figures.types[0]
    assert (row.needed, row.shortfall, row.verdict) == (0, 0, GO)
    assert figures.days_until_start == 0 and figures.is_go


@pytest.mark.parametrize(
    ("made", "window", "days", "workshop", "expected"),
    [
        (28, 28, 10, 100, 10),
        (28, 28, 10, 4, 4),
        (10, 28, 0, 50, 0),
        (7, 28, 3, 50, 0),
        (5, 0, 10, 50, 0),
        (84, 28, 7, 50, 21),
    ],
)
def test_likely_ready_is_the_pace_times_the_days_capped_by_the_workshop(
    made, window, days, workshop, expected
):
    assert likely_ready(made, window, days, workshop) == expected


def test_readiness_from_the_stock(make_device, ready_device, device_in, make_wave, make_family):
    wave = make_wave({"laptop": 4, "tablet": 2}, starts_on=clock.today() + timedelta(days=14))
    reserved, _, _ = device_in("reserved")  # reserved for another wave: not counted here
    for _ in range(2):
        ready_device()  # two laptops marked ready today: 2 in 28 days
    ready_device("tablet")
    make_device("in_workshop")
    make_device("received", type="tablet")
    family = make_family(wave)
    mine = ready_device()
    services.perform(mine, "reserve", {"family": family.reference, "wave": wave.id}, actor=None)
    db.session.commit()
    figures = queries.readiness_for(wave)
    laptop, tablet = figures.types
    assert (laptop.target, laptop.reserved, laptop.ready, laptop.in_workshop) == (4, 1, 2, 1)
    # 4 laptops were marked ready in the window (the reserved ones too): 4/28 × 14 = 2, cap 1.
    assert (laptop.likely_in_time, laptop.shortfall, laptop.verdict) == (1, 1, LIKELY)
    assert (tablet.ready, tablet.in_workshop, tablet.shortfall) == (1, 1, 1)
    assert figures.days_until_start == 14
    assert reserved.status == "reserved"
