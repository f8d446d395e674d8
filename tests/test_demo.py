"""The demo's calendar: the 2021 plan moved, in whole weeks, to the latest school year played."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import demo, demo_calendar
from reuse_tracker.devices.models import DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation
from reuse_tracker.loans.models import Loan, Wave
from reuse_tracker.workshop import board

#: The day the demo was moved to its plan year; dates below are exact for it.
TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 11, 29), 2026),
        (date(2027, 1, 4), 2026),
        (date(2026, 6, 11), 2025),  # the 2026 plan ends on Friday 12 June
        (date(2026, 6, 12), 2026),
        (date(2021, 6, 11), 2021),
    ],
)
def test_the_plan_year_is_the_latest_whose_last_day_has_passed(today, year):
    assert demo_calendar.plan_year(today) == year


def test_the_plan_of_today_runs_from_november_to_june():
    calendar = demo_calendar.PlanCalendar.for_today(TODAY)

    assert calendar.shift == timedelta(weeks=261)
    assert demo.first_day(calendar) == date(2025, 11, 18)
    assert calendar.as_of == demo_calendar.paris_time(datetime(2026, 6, 12, 17, 30))
    assert calendar.on(date(2021, 2, 1)) == date(2026, 2, 2)  # the February wave, a Monday
    assert calendar.years("Avril–mai 2021 — …, DON-2020") == "Avril–mai 2026 — …, DON-2025"


def test_every_plan_keeps_the_weekdays_and_ends_before_today():
    for today in (date(2022, 1, 1) + timedelta(days=n) for n in range(0, 15 * 365, 5)):
        calendar = demo_calendar.PlanCalendar.for_today(today)
        assert calendar.shift.days % 7 == 0
        assert calendar.as_of.date() <= today < calendar.as_of.date() + timedelta(days=372)
        assert abs(calendar.as_of.date() - date(calendar.year, 6, 11)) <= timedelta(days=3)


def test_holidays_are_those_of_the_plan_years():
    assert [demo_calendar.easter(year) for year in (2021, 2024, 2026, 2038)] == [
        date(2021, 4, 4),
        date(2024, 3, 31),
        date(2026, 4, 5),
        date(2038, 4, 25),
    ]
    holidays = demo_calendar.PlanCalendar.for_today(TODAY).holidays
    # Easter Monday, Ascension and Whit Monday of 2026; 11 November and Christmas of 2025.
    expected = {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)}
    assert expected | {date(2025, 11, 11), date(2025, 12, 25), date(2026, 5, 1)} <= holidays
    assert len(holidays) == 22


def test_the_demo_loaded_today_looks_current(app_ctx):
    calendar = demo.load_demo(TODAY)

    now = datetime.combine(TODAY, time(12), UTC)
    first, last = db.session.execute(
        sa.select(sa.func.min(DeviceEvent.created_at), sa.func.max(DeviceEvent.created_at))
    ).one()
    assert first.date() == date(2025, 11, 18)
    assert last <= calendar.as_of and now - last < timedelta(days=183)
    # Nothing on the workshop board has waited a year. Loans run to July 2027, but for the
    # few agreed for three months: some of those are late, the mediator's list.
    waits = [now - row.since for rows in board.queue(per_step=1000).values() for row in rows]
    assert len(waits) > 150 and max(waits) < timedelta(days=365)
    on_loan = db.session.execute(
        sa.select(Loan.charter_signed_on, Loan.due_on).where(Loan.status == "on_loan")
    ).all()
    late = [(signed, due) for signed, due in on_loan if due < TODAY]
    assert 0 < len(late) <= 0.05 * len(on_loan)
    assert all(due - signed == timedelta(days=91) for signed, due in late)
    assert {due for signed, due in on_loan if due - signed > timedelta(days=91)} == {
        date(2027, 7, 6)
    }
    # Names, references and decisions carry the plan's years.
    references = db.session.scalars(sa.select(Donation.reference)).all()
    assert {"DON-2025-0001", "DON-2026-0010"} <= set(references)
    names = db.session.scalars(sa.select(Wave.name).order_by(Wave.starts_on)).all()
    assert [name.split(" — ")[0] for name in names] == [
        "Février 2026",
        "Mars 2026",
        "Avril–mai 2026",
        "Septembre 2026",
    ]
    payloads = db.session.scalars(
        sa.select(DeviceEvent.payload).where(DeviceEvent.action.in_(("recycle", "transfer")))
    ).all()
    assert {p["reference"] for p in payloads if "reference" in p} == {
        "ESY-2026-0219-NTE",
        "ECL-26-04-1187",
    }
    assert {p["decision"] for p in payloads if "decision" in p} == {
        "Décision fictive n° 2026-06-05"
    }
