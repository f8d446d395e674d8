"""The school year and the period a request asks for."""

from __future__ import annotations

from datetime import date

import pytest

from reuse_tracker.errors import ValidationError
from reuse_tracker.metrics.aggregates import school_year
from reuse_tracker.metrics.periods import period_from


@pytest.mark.parametrize(
    ("day", "first"),
    [(date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026), (date(2027, 1, 15), 2026)],
)
def test_the_school_year_runs_from_1_september_to_31_august(day, first):
    year = school_year(day)
    assert (year.start, year.end) == (date(first, 9, 1), date(first + 1, 8, 31))


def test_a_period_defaults_to_the_current_school_year(app_ctx, frozen_clock):
    from datetime import UTC, datetime

    frozen_clock(datetime(2026, 8, 31, 22, 30, tzinfo=UTC))  # 1 September in Paris
    period = period_from({})
    assert (period.start, period.end) == (date(2026, 9, 1), date(2027, 8, 31))
    assert period_from({"to": "2026-12-31"}).end == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-09-01", "to": "2026-08-01"}, "to"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_a_bad_period_names_its_field(app_ctx, args, field):
    with pytest.raises(ValidationError) as refused:
        period_from(args)
    assert field in refused.value.fields
