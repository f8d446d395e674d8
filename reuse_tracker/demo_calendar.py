"""The demo's calendar: Nantes' 2021 plan moved, in whole weeks, to the latest school year played.

The demo's code keeps the 2021 dates as the plan's reference calendar; ``PlanCalendar`` gives
the day or moment each one falls on in the plan loaded today, with that plan's public holidays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


def paris_time(moment: datetime) -> datetime:
    """Attach Paris time: CET, or CEST from the last Sunday of March to that of October."""

    def last_sunday(month: int) -> date:
        day = date(moment.year, month, 31)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    summer = last_sunday(3) <= moment.date() < last_sunday(10)
    return moment.replace(tzinfo=timezone(timedelta(hours=2 if summer else 1)))


#: The plan's last moment in its reference calendar (a Friday): nothing happens after it.
REFERENCE_AS_OF = datetime(2021, 6, 11, 17, 30)


def easter(year: int) -> date:
    """Return Easter Sunday of ``year`` (Gregorian calendar: the Meeus/Jones/Butcher algorithm)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    month, day = divmod(h + weekday - 7 * ((a + 11 * h + 22 * weekday) // 451) + 114, 31)
    return date(year, month, day + 1)


def french_holidays(year: int) -> set[date]:
    """Return the eleven public holidays of metropolitan France in ``year``."""
    fixed = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
    sunday = easter(year)
    movable = (sunday + timedelta(days=n) for n in (1, 39, 50))  # Easter Monday, Ascension, Whit
    return {date(year, month, day) for month, day in fixed} | set(movable)


def week_shift(year: int) -> timedelta:
    """Return the whole weeks that take the reference plan nearest to the same days of ``year``."""
    days = (REFERENCE_AS_OF.date().replace(year=year) - REFERENCE_AS_OF.date()).days
    return timedelta(weeks=round(days / 7))


def plan_year(today: date) -> int:
    """Return the year of the latest plan whose last day (about 11 June) is not after ``today``."""
    if (REFERENCE_AS_OF + week_shift(today.year)).date() <= today:
        return today.year
    return today.year - 1


@dataclass(frozen=True)
class PlanCalendar:
    """The reference plan's dates moved by whole weeks, so every date keeps its weekday."""

    year: int
    shift: timedelta
    #: The demo stops here: nothing happens after this moment.
    as_of: datetime
    #: Days nobody works: the public holidays of the plan's two calendar years.
    holidays: frozenset[date]

    @classmethod
    def for_today(cls, today: date) -> PlanCalendar:
        """Return the calendar of the latest plan already played on ``today``."""
        year = plan_year(today)
        shift = week_shift(year)
        holidays = frozenset(french_holidays(year - 1) | french_holidays(year))
        return cls(year, shift, paris_time(REFERENCE_AS_OF + shift), holidays)

    def on(self, day: date) -> date:
        """Return the plan's day for a day of the reference calendar."""
        return day + self.shift

    def at(self, moment: datetime) -> datetime:
        """Return the plan's moment, in Paris time, for a moment of the reference calendar."""
        return paris_time(moment + self.shift)

    def years(self, text: str) -> str:
        """Replace the reference years (2020, 2021) in ``text`` by the plan's."""
        return re.sub(
            r"\b202[01]\b", lambda m: str(int(m[0]) + self.year - REFERENCE_AS_OF.year), text
        )
