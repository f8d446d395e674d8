"""The only place that reads the clock: ``now()`` in UTC, ``today()`` where the programme runs.

A charter signed "today" means today in Nantes, whatever the server's own zone. Tests freeze
the clock with ``freeze(moment)`` (see the ``frozen_clock`` fixture), never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Paris"

#: The moment tests set; None: the real clock.
_frozen: datetime | None = None


def zone() -> ZoneInfo:
    """Return the programme's time zone (``TIMEZONE``, Europe/Paris by default)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def now() -> datetime:
    """Return the current moment, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Return the programme's date: today where the programme runs."""
    return now().astimezone(zone()).date()


def local(moment: datetime) -> datetime:
    """Return ``moment`` in the programme's zone (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def start_of(day: date) -> datetime:
    """Return the UTC moment the programme's ``day`` begins."""
    return datetime.combine(day, time.min, zone()).astimezone(UTC)


@contextmanager
def freeze(moment: datetime) -> Iterator[None]:
    """Make ``now()`` answer ``moment`` (aware; naive is taken as UTC) inside the block."""
    global _frozen
    previous = _frozen
    _frozen = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        yield
    finally:
        _frozen = previous
