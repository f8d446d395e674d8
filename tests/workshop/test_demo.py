"""The workshop's part of the demo plan: consistent, dated, and fed by the real nwipe reader."""

import random
from collections import Counter
from datetime import date

import pytest

from reuse_tracker import demo
from reuse_tracker.demo_calendar import PlanCalendar
from reuse_tracker.devices import fields
from reuse_tracker.workshop import nwipe
from reuse_tracker.workshop.demo import nwipe_log, plan_workshop_history

CALENDAR = PlanCalendar.for_today(date(2026, 11, 29))


@pytest.fixture(scope="module")
def donations():
    rng = random.Random(demo.SEED)
    planned = demo.plan_donations(rng, CALENDAR)
    demo.plan_workshop(rng, planned, CALENDAR)
    plan_workshop_history(random.Random(demo.SEED + 4), planned)
    return planned


def _steps(donations):
    return [
        (item, step) for donation in donations for item in donation.devices for step in item.steps
    ]


def test_each_device_steps_stay_in_time_order(donations):
    for donation in donations:
        for item in donation.devices:
            moments = [at for at, _action, _data in item.steps]
            assert moments == sorted(moments), item.fate


def test_the_workshop_works_on_working_days_of_the_plan(donations):
    first, as_of = demo.first_day(CALENDAR), CALENDAR.as_of
    # Installed parts are dated halfway between two steps, which may fall on a weekend.
    days = {
        at.date() for _item, (at, action, _data) in _steps(donations) if action != "install_part"
    }
    assert first <= min(days) and max(days) <= as_of.date()
    assert all(day.weekday() < 5 and day not in CALENDAR.holidays for day in days)
    recycled = {
        data["collected_on"][:4] for _i, (_at, a, data) in _steps(donations) if a == "recycle"
    }
    images = {
        data["image_version"][8:12] for _i, (_at, a, data) in _steps(donations) if a == "grade"
    }
    assert recycled == {"2026"} and images <= {"2025", "2026"}


def test_nwipe_erasures_carry_what_the_log_said(donations):
    nwipe_records = [
        data
        for _item, (_at, action, data) in _steps(donations)
        if action == "record_erasure" and data.get("tool") == "nwipe"
    ]
    assert nwipe_records and all(
        {"storage_model", "storage_size_gb", "started_at", "ended_at", "tool_method"} <= set(data)
        for data in nwipe_records
    )
    assert {data["result"] for data in nwipe_records} == {"passed", "failed"}
    two_disks = [
        item
        for donation in donations
        for item in donation.devices
        if len(
            {
                d["storage_serial"]
                for _at, a, d in item.steps
                if a == "record_erasure" and d.get("storage_serial")
            }
        )
        > 1
    ]
    assert len(two_disks) >= 5


def test_every_step_passes_the_field_checks(db_session, donations):
    for _item, (_at, action, data) in _steps(donations):
        if action in {
            "harvest_part",
            "install_part",
            "harvest",
            "record_erasure",
            "grade",
            "recycle",
        }:
            fields.validate(action, data)


def test_parts_are_installed_only_after_they_were_harvested(donations):
    moves = []
    for _item, (at, action, data) in _steps(donations):
        if action == "install_part":
            moves.append((at, 1, data))
        elif action == "harvest_part":
            moves.append((at, 0, data))
        elif action == "harvest":
            moves += [(at, 0, part) for part in data.get("parts", [])]
    stock: Counter = Counter()
    installs = 0
    for _at, out, part in sorted(moves, key=lambda move: move[:2]):
        key = (part["kind"], part["spec"])
        if out:
            installs += 1
            assert stock[key] >= part["quantity"], key
            stock[key] -= part["quantity"]
        else:
            stock[key] += part["quantity"]
    assert installs >= 5


def test_the_demo_log_is_read_back_by_the_parser():
    from datetime import datetime

    log = nwipe_log(
        [
            ("sda", "Samsung SSD 860 EVO 256GB", 256, "S1", True),
            ("sdb", "WDC WD10EZEX-08WN4A0", 1000, "S2", False),
        ],
        datetime(2021, 3, 1, 12, 0),
        random.Random(1),
    )
    first, second = nwipe.parse(log).disks
    assert (first.serial, first.passed, second.serial, second.passed) == ("S1", True, "S2", False)
