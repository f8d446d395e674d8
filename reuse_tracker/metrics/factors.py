"""Factor sets as data: the shipped default loaded on first use, a city's own set loaded (flush)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import INVALID_FIELDS, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.metrics import impact
from reuse_tracker.metrics.models import FactorRow, FactorSet

PROBLEMS = {
    "missing_column": _l("line %(row)s, column “%(column)s”: the column is missing"),
    "required": _l("line %(row)s, column “%(column)s”: a value is required"),
    "not_a_number": _l("line %(row)s, column “%(column)s”: “%(value)s” is not a number"),
    "not_positive": _l("line %(row)s, column “%(column)s”: “%(value)s” must be above 0"),
    "unknown_type": _l(
        "line %(row)s, column “%(column)s”: “%(value)s” is not a device type we follow"
    ),
    "duplicate_type": _l("line %(row)s, column “%(column)s”: “%(value)s” is given twice"),
    "empty": _l("line %(row)s: the file has no factor line"),
}


def describe(problem: impact.FactorProblem) -> str:
    """Say what is wrong in a factor file, naming its line and column."""
    return str(PROBLEMS[problem.code] % {**problem.__dict__})


def _store(pure: impact.FactorSet, actor: Any = None) -> FactorSet:
    factor_set = FactorSet(
        version=pure.version,
        published_on=pure.published_on,
        source=pure.source,
        avoided_share=pure.avoided_share,
        loaded_by_id=getattr(actor, "id", None),
    )
    factor_set.rows = [
        FactorRow(
            device_type=kind,
            new_device_kg_co2e=row.new_device_kg_co2e,
            avoided_kg_co2e_per_year=row.avoided_kg_co2e_per_year,
            typical_weight_kg=row.typical_weight_kg,
            reference_life_years=row.reference_life_years,
            source=row.source,
        )
        for kind, row in pure.types.items()
    ]
    db.session.add(factor_set)
    db.session.flush()
    mark_changed()
    return factor_set


def mark_changed() -> None:
    """Note that this request stored figures or a factor set, for ``save_changes``."""
    db.session.info["metrics_changed"] = True


def save_changes() -> None:
    """Commit what the figures stored (a kept period, the default set), and only then.

    A read that stored nothing commits nothing, so its page does not load the user again.
    """
    if db.session.info.pop("metrics_changed", False):
        db.session.commit()


def current() -> FactorSet:
    """Return the set in use (the latest loaded); load the shipped default if there is none."""
    found = db.session.scalar(
        sa.select(FactorSet)
        .options(selectinload(FactorSet.rows))
        .order_by(FactorSet.id.desc())
        .limit(1)
    )
    return found if found is not None else _store(impact.default_factor_set())


def as_pure(factor_set: FactorSet) -> impact.FactorSet:
    """Return a stored set as the pure methods take it."""
    return impact.FactorSet(
        version=factor_set.version,
        published_on=factor_set.published_on,
        source=factor_set.source,
        avoided_share=factor_set.avoided_share,
        types={
            row.device_type: impact.TypeFactors(
                row.device_type,
                row.new_device_kg_co2e,
                row.avoided_kg_co2e_per_year,
                row.typical_weight_kg,
                row.reference_life_years,
                row.source,
            )
            for row in factor_set.rows
        },
    )


#: What the upload form calls each field, for its refusals.
LABELS = {
    "version": _l("Version"),
    "published_on": _l("Date of the figures"),
    "source": _l("Source"),
    "avoided_share": _l("Avoided share (substitution)"),
    "file": _l("Factor file (CSV)"),
}


def load(
    text: str,
    *,
    version: Any,
    published_on: Any,
    source: Any,
    avoided_share: Any = None,
    actor: Any = None,
) -> FactorSet:
    """Check and record a city's factor set; it becomes the set in use. Flush.

    Raise ValidationError naming each bad field, and each bad line and column of the file.
    """
    errors: dict[str, str] = {}
    version = (version or "").strip() if isinstance(version, str) else ""
    if not version:
        errors["version"] = str(_l("is required"))
    elif len(version) > 60:
        errors["version"] = str(_l("must be at most %(n)s characters", n=60))
    elif db.session.scalar(sa.select(FactorSet.id).where(FactorSet.version == version)):
        errors["version"] = str(_l("another factor set has this version"))
    day = None
    try:
        day = (
            published_on
            if isinstance(published_on, date)
            else date.fromisoformat(str(published_on or "").strip())
        )
    except ValueError:
        errors["published_on"] = str(_l("must be a date (YYYY-MM-DD)"))
    source = (source or "").strip() if isinstance(source, str) else ""
    if not source:
        errors["source"] = str(_l("is required"))
    share = impact.DEFAULT_SHARE
    if avoided_share not in (None, ""):
        try:
            share = float(str(avoided_share).replace(",", "."))
        except ValueError:
            share = -1.0
        if not 0 < share <= 1:
            errors["avoided_share"] = str(_l("must be a number above 0 and at most 1"))
    types: dict[str, impact.TypeFactors] = {}
    try:
        types = impact.parse_factors(text, known_types=DEVICE_TYPES)
    except impact.FactorError as error:
        errors["file"] = "; ".join(describe(problem) for problem in error.problems[:10])
    if errors:
        raise ValidationError(INVALID_FIELDS, errors, LABELS)
    return _store(impact.FactorSet(version, day, source[:1000], types, share), actor)


def all_sets() -> list[FactorSet]:
    """Return every factor set, the one in use first, with its rows."""
    return list(
        db.session.scalars(
            sa.select(FactorSet).options(selectinload(FactorSet.rows)).order_by(FactorSet.id.desc())
        )
    )
