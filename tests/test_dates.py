"""Dates, times, waits, counted numbers and translations on pages read as Flask-Babel,
Babel and Jinja write them.

The templates' ``date`` and ``datetime`` filters parse Babel's patterns once and find the
user's zone once a request (``i18n.day``, ``i18n.moment``), and their translation functions
are ours (``i18n._template_gettext``...); these compare them with Flask-Babel's and Jinja's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import flask_babel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment

from reuse_tracker import clock, i18n

# Until 2037: pytz, through which Flask-Babel converts, writes no summer time after it.
MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2037, 12, 31)
) | st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2037, 12, 31),
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


def test_summer_time_goes_on_after_2037_as_the_clock_says(app):
    # The zone is the standard library's, the one ``clock`` reads: its rules go on.
    summer = datetime(2040, 7, 1, 12, 0, tzinfo=UTC)
    with app.test_request_context("/"), flask_babel.force_locale("fr"):
        assert i18n.moment(summer, "short") == "01/07/2040 14:00"
        assert summer.astimezone(clock.zone()).hour == 14


def test_a_changed_language_changes_the_dates_of_the_same_request(app):
    moment = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        with flask_babel.force_locale("fr"):
            assert i18n.day(moment, "long") == "10 mars 2026"
        with flask_babel.force_locale("en"):
            assert i18n.day(moment, "long") == "March 10, 2026"
            assert i18n.moment(moment, "short") == "3/10/26, 4:30\u202fPM"
        with flask_babel.force_locale("fr"):
            assert i18n.moment(moment, "short") == "10/03/2026 16:30"


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


TEMPLATES = [
    "{{ _('Select %(tag)s', tag=value) }}",
    "{{ _('Devices') }} {{ value }}",
    "{{ _('<em>%(tag)s</em> 100 %%', tag=value) }}",
    "{{ pgettext('device field', 'Grade') }} {{ value }}",
    "{% trans %}Devices{% endtrans %}: {% trans name=value %}Select {{ name }}{% endtrans %}",
    "{{ ngettext('%(num)s device', '%(num)s devices', 1, kind=value) }}",
]


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    template=st.sampled_from(TEMPLATES),
    value=st.text(max_size=12) | st.sampled_from(["<b>", "a & b", '"quoted"', "50 %"]),
    language=st.sampled_from(["fr", "en"]),
    autoescape=st.booleans(),
)
def test_a_template_translates_as_jinja_with_flask_babel_does(
    app, template, value, language, autoescape
):
    # The templates' translation functions are ours (one call, not three): what they write,
    # HTML escaping included, is what Jinja's own write with Flask-Babel's catalogue.
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    ours = app.jinja_env.overlay(autoescape=autoescape)
    with app.test_request_context("/"), flask_babel.force_locale(language):
        reference.install_gettext_translations(flask_babel.get_translations(), newstyle=True)
        expected = reference.from_string(template).render(value=value)
        assert ours.from_string(template).render(value=value) == expected


def test_a_template_counts_as_the_language_writes_numbers(app):
    template = "{{ ngettext('%(num)s device', '%(num)s devices', count) }}"
    with app.test_request_context("/"), flask_babel.force_locale("fr"):
        assert app.jinja_env.from_string(template).render(count=1000) == "1\u202f000 équipements"
    with app.test_request_context("/"), flask_babel.force_locale("en"):
        assert app.jinja_env.from_string(template).render(count=1) == "1 device"
