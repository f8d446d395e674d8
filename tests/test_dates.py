"""Dates, times, waits and counted numbers on pages read as Flask-Babel and Babel write them.

The templates' ``date`` and ``datetime`` filters parse Babel's patterns once
(``i18n.day``, ``i18n.moment``); these compare them with Flask-Babel's own functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import flask_babel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reuse_tracker import i18n

MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)
) | st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]),
)
FORMATS = st.sampled_from(["short", "medium", "long", "full", "dd MMM yyyy"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=MOMENTS, fmt=FORMATS, language=st.sampled_from(["fr", "en"]))
def test_a_moment_reads_as_flask_babel_writes_it(app, moment, fmt, language):
    with app.test_request_context("/"), flask_babel.force_locale(language):
        assert i18n.moment(moment, fmt) == flask_babel.format_datetime(moment, fmt)
        assert i18n.day(moment, fmt) == flask_babel.format_date(moment, fmt)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=date(1900, 1, 1)), fmt=FORMATS)
def test_a_day_reads_as_flask_babel_writes_it(app, day, fmt):
    with app.test_request_context("/"), flask_babel.force_locale("fr"):
        assert i18n.day(day, fmt) == flask_babel.format_date(day, fmt)


def test_a_late_evening_in_utc_is_the_next_day_in_paris(app):
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    with app.test_request_context("/"), flask_babel.force_locale("fr"):
        assert i18n.day(late, "long") == "11 mars 2026"
        assert i18n.moment(late, "short") == "11/03/2026 00:30"


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    delta=st.timedeltas(min_value=timedelta(days=-4000), max_value=timedelta(days=4000))
    | st.sampled_from([timedelta(0), timedelta(days=6, hours=14), timedelta(days=29, hours=12)]),
    language=st.sampled_from(["fr", "en"]),
)
def test_a_wait_reads_as_flask_babel_writes_it(app, delta, language):
    with app.test_request_context("/"), flask_babel.force_locale(language):
        assert i18n.elapsed(delta) == flask_babel.format_timedelta(delta, threshold=1)


def test_counted_messages_write_numbers_as_the_language_does(app):
    with app.test_request_context("/"), flask_babel.force_locale("fr"):
        reserved = i18n.ngettext("%(num)s device reserved.", "%(num)s devices reserved.", 1000)
        assert reserved == "1\u202f000 équipements réservés."  # a narrow no-break space
    with app.test_request_context("/"), flask_babel.force_locale("en"):
        assert i18n.ngettext("%(num)s device reserved.", "%(num)s devices reserved.", 1) == (
            "1 device reserved."
        )
