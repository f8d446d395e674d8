"""Schools, associations and waves: checking and recording them (services flush)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from reuse_tracker import inputs
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import INVALID_FIELDS, ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans.models import NETWORKS, Association, School, Wave
from reuse_tracker.loans.uai import normalise_uai, uai_problem

INVALID = INVALID_FIELDS
MAX_TARGET = 100_000


def record_id(raw: Any) -> int | None:
    """Return ``raw`` as a record number if it can be one (a whole number in range), else None."""
    return inputs.record_id(raw)


def text(
    value: Any,
    limit: int,
    errors: dict[str, str],
    name: str,
    *,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Return ``value`` cleaned (``inputs.clean_text``); note in ``errors`` why it is refused."""
    if value is not None and not isinstance(value, str):
        errors[name] = str(_l("must be a text"))
        return ""
    try:
        value = inputs.clean_text(value, max_length=limit, multiline=multiline)
    except ValueError as problem:
        errors[name] = str(problem)
        return ""
    if required and not value:
        errors[name] = str(_l("is required"))
    return value


def parse_date(
    value: Any, errors: dict[str, str], name: str, *, required: bool = False
) -> date | None:
    """Return an ISO date (or None when empty); note in ``errors`` when it is not one."""
    if value in (None, ""):
        if required:
            errors[name] = str(_l("is required"))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = str(_l("must be a date (YYYY-MM-DD)"))
        return None


def check_uai(raw: Any) -> tuple[str, str | None]:
    """Return the normalised UAI and what is wrong with it (None if nothing)."""
    uai = normalise_uai(raw if isinstance(raw, str) else "")
    problem = uai_problem(uai)
    if problem == "format":
        return uai, str(_l("must be 7 digits and a letter, as 0441234A"))
    if problem == "check":
        return uai, str(_l("the check letter does not match the number"))
    return uai, None


def create_school(data: Mapping[str, Any]) -> School:
    """Record a school; flush. Raise ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    name = text(data.get("name"), 200, errors, "name", required=True)
    uai, problem = check_uai(data.get("uai"))
    if problem:
        errors["uai"] = problem
    elif db.session.scalar(sa.select(School.id).where(School.uai == uai)):
        errors["uai"] = str(_l("another school has this code"))
    network = data.get("network") or "none"
    if network not in NETWORKS:
        errors["network"] = inputs.not_one_of(NETWORKS)
    neighbourhood = text(data.get("neighbourhood"), 120, errors, "neighbourhood")
    if errors:
        raise ValidationError(INVALID, errors)
    school = School(
        name=name,
        uai=uai,
        network=network,
        neighbourhood=neighbourhood,
        is_priority_neighbourhood=bool(data.get("is_priority_neighbourhood")),
    )
    db.session.add(school)
    db.session.flush()
    return school


def create_association(data: Mapping[str, Any]) -> Association:
    """Record a mediation association; flush."""
    errors: dict[str, str] = {}
    name = text(data.get("name"), 120, errors, "name", required=True)
    email = text(data.get("contact_email"), 254, errors, "contact_email")
    if email and "@" not in email:
        errors["contact_email"] = str(_l("must be an email address"))
    if name and db.session.scalar(
        sa.select(Association.id).where(sa.func.lower(Association.name) == name.lower())
    ):
        errors["name"] = str(_l("another association has this name"))
    if errors:
        raise ValidationError(INVALID, errors)
    association = Association(name=name, contact_email=email or None)
    db.session.add(association)
    db.session.flush()
    return association


def clean_targets(raw: Any, errors: dict[str, str]) -> dict[str, int]:
    """Return {device type: count} checked; note each problem under ``targets.<type>``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors["targets"] = str(_l("must map device types to numbers"))
        return {}
    targets: dict[str, int] = {}
    for kind, count in raw.items():
        key = f"targets.{kind}"
        if kind not in DEVICE_TYPES:
            errors[key] = str(
                _l("unknown device type; one of: %(allowed)s", allowed=", ".join(DEVICE_TYPES))
            )
        elif isinstance(count, bool) or not isinstance(count, int | str):
            errors[key] = str(_l("must be a whole number"))
        elif (number := _target(count)) is None:
            errors[key] = str(_l("must be a whole number from 0 to %(n)s", n=MAX_TARGET))
        elif number:
            targets[kind] = number
    if not targets and not any(key.startswith("targets") for key in errors):
        errors["targets"] = str(_l("give at least one device type and its number"))
    return targets


def _target(count: Any) -> int | None:
    """Return a wave's target for a type (ASCII digits, 0 to MAX_TARGET), or None."""
    try:
        return inputs.integer(count, low=0, high=MAX_TARGET)
    except ValueError:
        return None


def _school_key(key: Any) -> tuple[str, Any]:
    """Read a school reference: a number (the school's id) or a UAI code."""
    if record_id(key) is not None:
        return "id", record_id(key)
    if isinstance(key, str) and not key.strip().isdecimal():
        return "uai", normalise_uai(key)
    return "bad", str(key)[:20]


def find_schools(keys: Iterable[Any], errors: dict[str, str]) -> list[School]:
    """Return the schools named by UAI code or number; note the unknown ones."""
    parsed = [_school_key(key) for key in keys]
    ids = {value for kind, value in parsed if kind == "id"}
    uais = {value for kind, value in parsed if kind == "uai"}
    found = (
        db.session.scalars(
            sa.select(School).where(sa.or_(School.uai.in_(uais), School.id.in_(ids)))
        ).all()
        if parsed
        else []
    )
    known = {("id", s.id) for s in found} | {("uai", s.uai) for s in found}
    unknown = [str(value) for kind, value in parsed if (kind, value) not in known]
    if unknown:
        errors["schools"] = str(_l("unknown school: %(keys)s", keys=", ".join(unknown[:10])))
    return list({school.id: school for school in found}.values())


def check_wave(
    data: Mapping[str, Any], errors: dict[str, str], wave: Wave | None = None
) -> dict[str, Any]:
    """Return a wave's fields checked (``wave``: the one being edited); note each problem."""
    name = text(data.get("name"), 120, errors, "name", required=True)
    starts_on = parse_date(data.get("starts_on"), errors, "starts_on", required=True)
    ends_on = parse_date(data.get("ends_on"), errors, "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = str(_l("must not be before the start"))
    targets = clean_targets(data.get("targets"), errors)
    keys = data.get("schools") or []
    if not isinstance(keys, list):
        errors["schools"] = str(_l("must be a list of UAI codes"))
        keys = []
    schools = find_schools(keys, errors)
    namesake = sa.select(Wave.id).where(Wave.name == name)
    if wave is not None:
        namesake = namesake.where(Wave.id != wave.id)
    if name and db.session.scalar(namesake):
        errors["name"] = str(_l("another wave has this name"))
    return {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "targets": targets,
        "schools": schools,
    }


def create_wave(data: Mapping[str, Any]) -> Wave:
    """Record a distribution wave with its targets and schools; flush."""
    errors: dict[str, str] = {}
    values = check_wave(data, errors)
    if errors:
        raise ValidationError(INVALID, errors)
    wave = Wave(**values, is_open=True)
    db.session.add(wave)
    db.session.flush()
    return wave


def stale_wave(wave: Wave) -> ConflictError:
    """Return the refusal of a change made on an older version of ``wave``."""
    return ConflictError(
        _l(
            "The wave “%(name)s” was changed by someone else meanwhile: nothing was saved. "
            "Here is its current version.",
            name=wave.name,
        )
    )


def flush_wave(conflict: ConflictError) -> None:
    """Write a wave's changes; raise ``conflict`` if someone changed the wave meanwhile.

    The caller builds ``conflict`` before changing the wave: a failed flush leaves it unreadable.
    """
    try:
        db.session.flush()
    except StaleDataError as error:
        # The caller (or the error handler) rolls the session back.
        raise conflict from error


def set_wave_open(wave: Wave, is_open: bool) -> None:
    """Open or close a wave; flush."""
    if wave.is_open == is_open:
        raise ConflictError(
            _l("The wave is already open.") if is_open else _l("The wave is already closed.")
        )
    conflict = stale_wave(wave)
    wave.is_open = is_open
    flush_wave(conflict)


def wave_answer(wave: Wave) -> dict[str, Any]:
    """Return a wave as the API answers it."""
    return {
        "id": wave.id,
        "name": wave.name,
        "starts_on": wave.starts_on.isoformat(),
        "ends_on": wave.ends_on.isoformat() if wave.ends_on else None,
        "is_open": wave.is_open,
        "targets": dict(wave.targets or {}),
        "schools": [school.uai for school in wave.schools],
    }
