"""Editing a wave after its creation, without undoing what was already allocated (flushes).

A wave is checked as at its creation (``programme.check_wave``), then against what it already
holds: no target below the devices already reserved or handed over for it, no school left out
whose families already had devices through it. A closed wave keeps its targets and schools (the
figures reported for it); its name and dates can still be corrected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from reuse_tracker.errors import ValidationError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.i18n import lazy_ngettext
from reuse_tracker.loans import queries
from reuse_tracker.loans.models import Wave
from reuse_tracker.loans.programme import INVALID, check_wave, flush_wave, stale_wave
from reuse_tracker.vocabulary import TYPE_TITLES

#: What a wave's edit may change; the other fields have their own routes (opening, closing).
EDITABLE = ("name", "starts_on", "ends_on", "targets", "schools")
#: What a closed wave keeps as it is: the figures reported for it.
FROZEN_WHEN_CLOSED = ("targets", "schools")


def wave_values(wave: Wave) -> dict[str, Any]:
    """Return the wave's editable fields as ``update_wave`` takes them."""
    return {
        "name": wave.name,
        "starts_on": wave.starts_on,
        "ends_on": wave.ends_on,
        "targets": dict(wave.targets or {}),
        "schools": [school.id for school in wave.schools],
    }


def update_wave(wave: Wave, data: Mapping[str, Any], expected_version: int | None) -> bool:
    """Change the wave's fields given in ``data`` (the others stay); flush.

    Return whether anything changed. Raise ConflictError when ``expected_version`` is not the
    wave's version (None: not checked), ValidationError naming each bad field.
    """
    if expected_version is not None and expected_version != wave.version:
        raise stale_wave(wave)
    before = wave_values(wave)
    wanted = {**before, **{name: data[name] for name in EDITABLE if name in data}}
    errors: dict[str, str] = {}
    after = check_wave(wanted, errors, wave)
    schools = after.pop("schools")
    after["schools"] = [school.id for school in schools]
    if not wave.is_open:
        _check_closed(before, after, errors)
    else:
        if isinstance(wanted["targets"], Mapping):
            _check_targets(wave, before["targets"], after["targets"], errors)
        _check_schools(wave, before["schools"], after["schools"], errors)
    if errors:
        raise ValidationError(INVALID, errors)
    if _same(before, after):
        return False
    conflict = stale_wave(wave)
    for name in ("name", "starts_on", "ends_on", "targets"):
        setattr(wave, name, after[name])
    wave.schools = schools
    # The version must move even when only the schools (another table) change.
    flag_modified(wave, "name")
    flush_wave(conflict)
    return True


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return all(
        set(before[name]) == set(after[name]) if name == "schools" else before[name] == after[name]
        for name in EDITABLE
    )


def _has_error(errors: dict[str, str], field: str) -> bool:
    return any(key == field or key.startswith(f"{field}.") for key in errors)


def _check_closed(before: dict[str, Any], after: dict[str, Any], errors: dict[str, str]) -> None:
    """Refuse to change the targets or the schools of a closed wave."""
    if after["targets"] != before["targets"] and not _has_error(errors, "targets"):
        errors["targets"] = str(_l("the wave is closed: reopen it to change its targets"))
    if set(after["schools"]) != set(before["schools"]) and "schools" not in errors:
        errors["schools"] = str(_l("the wave is closed: reopen it to change its schools"))


def _check_targets(
    wave: Wave, before: dict[str, int], after: dict[str, int], errors: dict[str, str]
) -> None:
    """Refuse a target lowered below the devices already reserved or handed over for it."""
    for kind, count in sorted(queries.allocated_by_type(wave.id).items()):
        key = f"targets.{kind}"
        target = after.get(kind, 0)
        if key in errors or target >= count or target >= before.get(kind, 0):
            continue
        errors[key] = str(
            lazy_ngettext(
                "cannot be lower than %(num)s: %(num)s device of type “%(type)s” is already "
                "reserved or handed over in this wave",
                "cannot be lower than %(num)s: %(num)s devices of type “%(type)s” are already "
                "reserved or handed over in this wave",
                count,
                type=TYPE_TITLES.get(kind, kind),
            )
        )


def _check_schools(wave: Wave, before: list[int], after: list[int], errors: dict[str, str]) -> None:
    """Refuse to leave out a school whose families already had devices through this wave."""
    left_out = set(before) - set(after)
    if not left_out or "schools" in errors:
        return
    kept = [school.name for school in queries.schools_in_use(wave.id) if school.id in left_out]
    if kept:
        errors["schools"] = str(
            lazy_ngettext(
                "cannot leave out %(names)s: its families already have devices reserved or "
                "lent in this wave",
                "cannot leave out %(names)s: their families already have devices reserved or "
                "lent in this wave",
                len(kept),
                names=", ".join(kept),
            )
        )
