"""Language selection (French first, English available) and locale-aware filters."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates
from babel.dates import DateTimePattern
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import (
    Babel,
    Domain,
    format_date,
    format_datetime,
    format_decimal,
    get_domain,
    get_locale,
    get_timezone,
)
from flask_babel import _get_current_context as babel_context
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGES = {"fr": "Français", "en": "English"}


def select_locale() -> str | None:
    """Use the language the user chose, else French (also outside requests: the CLI)."""
    if not has_request_context():
        return None
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or default
    return default


class RequestDomain(Domain):
    """Flask-Babel's message domain, its catalogue found once per request.

    Flask-Babel looks the catalogue up again for every string (the locale, the domain, a cache
    keyed by both: about 400 look-ups for a device page). This keeps it in the request's
    Babel context, the place ``force_locale`` and ``refresh`` save, clear and restore.
    """

    def get_translations(self):
        context = babel_context()
        found = getattr(context, "babel_translations", None)
        if found is None:
            found = super().get_translations()
            if context is not None:
                context.babel_translations = found
        return found


def catalogue():
    """Return the request's catalogue, looked up once per request (Babel's null one outside)."""
    try:
        found = g._flask_babel.babel_translations  # where RequestDomain keeps it
    except (AttributeError, RuntimeError):  # not looked up yet; no application context
        found = None
    return found if found is not None else get_domain().get_translations()


def gettext(string: str, **variables) -> str:
    """Flask-Babel's ``gettext``, one catalogue look-up instead of three context look-ups."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ``ngettext``, ``%(num)s`` written as the user's language writes numbers
    ("1 000 équipements réservés", not "1000")."""
    variables.setdefault("num", format_decimal(num))
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    """:func:`ngettext`, translated when it is read."""
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's ``lazy_gettext`` (the same ``LazyString``) translated by :func:`gettext`."""
    return LazyString(gettext, string, **variables)


#: The formats Babel names (its others are patterns, left to Flask-Babel).
NAMED_FORMATS = frozenset({"short", "medium", "long", "full"})


@lru_cache(maxsize=32)
def _patterns(locale: str, fmt: str) -> tuple[DateTimePattern, DateTimePattern, str]:
    """A language's date and time patterns of ``fmt`` and how it joins them, parsed once."""
    return (
        dates.get_date_format(fmt, locale=locale),
        dates.get_time_format(fmt, locale=locale),
        dates.get_datetime_format(fmt, locale=locale).replace("'", ""),
    )


@lru_cache(maxsize=16)
def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _formatting() -> tuple[object, str, tzinfo]:
    """The user's locale, its name and time zone, found once per request.

    Flask-Babel finds them again for every date (6 µs) and converts through pytz (9 µs);
    the zone is read here as the standard library's, as ``clock`` reads it (0.5 µs), unless
    only pytz knows its name. They are kept in the request's Babel context, beside the
    locale and zone Flask-Babel keeps there, and found again when ``force_locale`` or
    ``refresh`` changes those.
    """
    context = babel_context()
    if context is None:  # no application context: what Flask-Babel would answer
        locale, zone = get_locale(), get_timezone()
        return locale, str(locale), zone
    kept = getattr(context, "reuse_formatting", None)
    if (
        kept is not None
        and kept[0] is getattr(context, "babel_locale", None)
        and kept[3] is getattr(context, "babel_tzinfo", None)
    ):
        return kept[:3]
    locale, zone = get_locale(), get_timezone()
    context.reuse_formatting = (locale, str(locale), _zone(str(zone)) or zone, zone)
    return context.reuse_formatting[:3]


def _local(value: datetime, zone: tzinfo) -> datetime:
    """A moment in the user's zone; a naive one is taken as UTC (as Flask-Babel does)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)


def day(value: date | datetime, fmt: str = "medium") -> str:
    """Flask-Babel's ``format_date`` (a moment's day in the user's time zone), its patterns
    parsed once, the zone found once a request and each day written once per language and
    format (23 → 4–7 µs: 50 of them in a list, most of them the same few days)."""
    if fmt not in NAMED_FORMATS:
        return format_date(value, fmt)
    _locale, name, zone = _formatting()
    if isinstance(value, datetime):
        value = _local(value, zone).date()  # the named date formats show no time
    return _day_text(name, fmt, value)


@lru_cache(maxsize=4096)
def _day_text(locale: str, fmt: str, value: date) -> str:
    return _patterns(locale, fmt)[0].apply(value, locale)


def moment(value: datetime, fmt: str = "medium") -> str:
    """Flask-Babel's ``format_datetime`` (in the user's time zone), as quick as :func:`day`."""
    if fmt not in NAMED_FORMATS:
        return format_datetime(value, fmt)
    locale, name, zone = _formatting()
    value = _local(value, zone)
    on, at, joined = _patterns(name, fmt)
    return joined.replace("{0}", at.apply(value, locale)).replace("{1}", on.apply(value, locale))


def elapsed(delta: timedelta) -> str:
    """Flask-Babel's ``format_timedelta(delta, threshold=1)`` ("3 jours"), each wording
    written once per language: it depends only on the unit and the number Babel picks
    (60 waits on the workshop board: 3 ms → 0.3 ms)."""
    seconds = abs(delta.total_seconds())
    for unit, per_unit in dates.TIMEDELTA_UNITS:  # Babel's choice of a unit
        value = seconds / per_unit
        if value >= 1 or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return _elapsed(_formatting()[1], unit, round(value))
    raise AssertionError("the last unit is the second")


@lru_cache(maxsize=512)
def _elapsed(locale: str, unit: str, count: int) -> str:
    seconds = count * dict(dates.TIMEDELTA_UNITS)[unit]
    # An endless threshold keeps Babel on ``unit`` (7 days stays "7 jours").
    return dates.format_timedelta(seconds, unit, threshold=math.inf, locale=locale)


# The templates' translation functions, with Jinja's "newstyle" meaning (the translation is
# always a format string, its variables escaped in an HTML template) but called directly:
# Jinja's own go through three calls of the template context each (12 → 9 µs a string; a
# list of 50 devices has 100).


def _newstyle(eval_ctx, text: str, variables: dict) -> str:
    """A translation as Jinja's "newstyle" functions answer it: always a format string, its
    variables escaped in an HTML template."""
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_gettext(__eval_ctx, __string, **variables):
    return _newstyle(__eval_ctx, catalogue().ugettext(__string), variables)


@pass_eval_context
def _template_ngettext(__eval_ctx, __singular, __plural, __num, **variables):
    # ``num`` written as the user's language writes numbers ("10 000 équipements").
    variables.setdefault("num", format_decimal(__num))
    return _newstyle(__eval_ctx, catalogue().ungettext(__singular, __plural, __num), variables)


@pass_eval_context
def _template_pgettext(__eval_ctx, __context, __string, **variables):
    variables.setdefault("context", __context)
    return _newstyle(__eval_ctx, catalogue().upgettext(__context, __string), variables)


@pass_eval_context
def _template_npgettext(__eval_ctx, __context, __singular, __plural, __num, **variables):
    variables.setdefault("context", __context)
    variables.setdefault("num", format_decimal(__num))
    text = catalogue().unpgettext(__context, __singular, __plural, __num)
    return _newstyle(__eval_ctx, text, variables)


def register_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel and expose dates and numbers in the user's format to templates."""
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    # Flask-Babel has added Jinja's i18n extension: ``{% trans %}`` is compiled for "newstyle"
    # functions, and the functions are ours (above), reading the request's catalogue.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
    app.jinja_env.filters.update(
        date=lambda value, fmt="medium": day(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": moment(value, fmt) if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
    )

    @app.context_processor
    def _languages():
        return {"LANGUAGES": LANGUAGES, "current_locale": str(get_locale())}
