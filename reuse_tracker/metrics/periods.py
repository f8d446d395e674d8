"""Read a period from a request's ``from`` and ``to`` (default: the current school year)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from reuse_tracker.errors import INVALID_FIELDS, ValidationError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.metrics.aggregates import Period
from reuse_tracker.metrics.figures import default_period

#: The longest period a request may ask for (a decade of school years).
MAX_DAYS = 3700


def period_from(args: Mapping[str, str]) -> Period:
    """Return the period ``from``–``to`` (either defaults to the current school year's end)."""
    default = default_period()
    errors: dict[str, str] = {}
    values = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (args.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else fallback
        except ValueError:
            errors[name] = str(_l("must be a date (YYYY-MM-DD)"))
    if not errors and values["to"] < values["from"]:
        errors["to"] = str(_l("must not be before the start"))
    elif not errors and (values["to"] - values["from"]).days > MAX_DAYS:
        errors["to"] = str(_l("the period may last at most %(n)s days", n=MAX_DAYS))
    if errors:
        raise ValidationError(INVALID_FIELDS, errors)
    return Period(values["from"], values["to"])
