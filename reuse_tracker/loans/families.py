"""Families: referral, contact details under consent, and the waiting list of a wave."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from reuse_tracker import clock, database, inputs, sequences
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import search
from reuse_tracker.loans.models import (
    ACTIVE_LOAN,
    ACTIVE_LOAN_STATUSES,
    CLASSES,
    NEEDS,
    REFERRAL_SOURCES,
    Association,
    Family,
    Loan,
    Wave,
)
from reuse_tracker.loans.programme import INVALID, find_schools, parse_date, record_id, text
from reuse_tracker.vocabulary import LoanStatus

#: The fields that identify a person: only family roles see them, the purge blanks them.
CONTACT_FIELDS = ("parent_name", "phone", "email", "address")
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,19}")
_PHONE = re.compile(r"[0-9+(). -]{6,40}")


def next_reference(year: int) -> str:
    """Return a new family reference, ``FAM-<year>-<number>``, numbered per year."""
    return f"FAM-{year}-{sequences.allocate(f'family-{year}')[0]:04d}"


def _choice(
    value: Any,
    allowed: tuple[str, ...],
    errors: dict[str, str],
    name: str,
    default: str | None = None,
) -> str | None:
    if value in (None, ""):
        return default
    if value not in allowed:
        errors[name] = inputs.not_one_of(allowed)
    return value if value in allowed else default


def _needs(raw: Any, errors: dict[str, str]) -> list[str]:
    if raw is None:
        return ["computer"]
    if not isinstance(raw, list | tuple) or any(need not in NEEDS for need in raw):
        errors["needs"] = str(_l("must be a list among: %(allowed)s", allowed=", ".join(NEEDS)))
        return []
    return list(raw)


def _by_id(model: type, raw: Any, errors: dict[str, str], name: str) -> Any:
    if raw in (None, ""):
        return None
    number = record_id(raw)
    if number is None:
        errors[name] = str(_l("must be a record number"))
        return None
    found = db.session.get(model, number)
    if found is None:
        errors[name] = str(_l("no such record"))
    return found


def _contact(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str | None]:
    contact = {
        "parent_name": text(data.get("parent_name"), 120, errors, "parent_name"),
        "phone": text(data.get("phone"), 40, errors, "phone"),
        "email": text(data.get("email"), 254, errors, "email"),
        "address": text(data.get("address"), 300, errors, "address", multiline=True),
    }
    if contact["phone"] and not _PHONE.fullmatch(contact["phone"]):
        errors["phone"] = str(_l("must be a phone number"))
    if contact["email"]:
        from email_validator import EmailNotValidError, validate_email  # on first use only

        try:
            contact["email"] = validate_email(
                contact["email"], check_deliverability=False
            ).normalized
        except EmailNotValidError:
            errors["email"] = str(_l("must be an email address"))
    return {key: value or None for key, value in contact.items()}


def clean_family(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Return the family's fields checked (contact fields included); note each problem."""
    needs = _needs(data.get("needs"), errors)
    schools = find_schools([data["school"]], errors) if data.get("school") else []
    wave = _by_id(Wave, data.get("wave"), errors, "wave")
    referred_on = parse_date(data.get("referred_on"), errors, "referred_on") or clock.today()
    if referred_on > clock.today():
        errors["referred_on"] = str(_l("cannot be in the future"))
    return {
        "referral_source": _choice(
            data.get("referral_source"), REFERRAL_SOURCES, errors, "referral_source", "school"
        ),
        "referred_on": referred_on,
        "school": schools[0] if schools else None,
        "child_class": _choice(data.get("child_class"), CLASSES, errors, "child_class"),
        "neighbourhood": text(data.get("neighbourhood"), 120, errors, "neighbourhood") or None,
        "needs_computer": "computer" in needs,
        "needs_connection": "connection" in needs,
        "needs_support": "support" in needs,
        "device_type": _choice(
            data.get("device_type"), DEVICE_TYPES, errors, "device_type", "laptop"
        ),
        "association": _by_id(Association, data.get("association"), errors, "association"),
        "wave": wave,
        **_contact(data, errors),
    }


def _check_consent(
    values: dict[str, Any], family: Family | None, consent: bool, errors: dict[str, str]
) -> None:
    has_contact = any(values[name] for name in CONTACT_FIELDS)
    if has_contact and not consent and (family is None or family.consent_on is None):
        errors["consent"] = str(_l("record the family's consent before keeping its details"))


def create_family(data: Mapping[str, Any], actor: User | None) -> Family:
    """Record a referred family (its contact details need its consent); flush."""
    errors: dict[str, str] = {}
    values = clean_family(data, errors)
    reference = _reference(data.get("reference"), values["referred_on"], errors)
    _check_consent(values, None, bool(data.get("consent")), errors)
    if values["wave"] is not None and not values["wave"].is_open:
        errors["wave"] = str(_l("this wave is closed"))
    check_referral(values, errors)
    if errors:
        raise ValidationError(INVALID, errors)
    family = Family(reference=reference)
    _apply(family, values, bool(data.get("consent")), actor)
    try:
        with database.refusable():
            db.session.add(family)
            db.session.flush()
    except sa.exc.IntegrityError:  # the same reference, given by another request meanwhile
        raise ConflictError(
            _l("A family already has the reference %(ref)s.", ref=reference),
            {"reference": str(_l("already used"))},
        ) from None
    return family


#: The values ``clean_family`` returns, named as the Family's attributes.
FAMILY_VALUES = (
    "referral_source",
    "referred_on",
    "school",
    "child_class",
    "neighbourhood",
    "needs_computer",
    "needs_connection",
    "needs_support",
    "device_type",
    "association",
    "wave",
    *CONTACT_FIELDS,
)
#: Which request field sets each of a family's values (absent: the value stays as it is).
SOURCE_FIELD = {
    "needs_computer": "needs",
    "needs_connection": "needs",
    "needs_support": "needs",
}


def sent_values(values: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the values whose field is present in ``data``: a missing field never erases."""
    return {name: value for name, value in values.items() if SOURCE_FIELD.get(name, name) in data}


def update_family(family: Family, data: Mapping[str, Any], actor: User | None) -> None:
    """Change the family's fields present in ``data`` (the others stay as they are); flush."""
    errors: dict[str, str] = {}
    values = sent_values(clean_family(data, errors), data)
    after = {name: values.get(name, getattr(family, name)) for name in FAMILY_VALUES}
    _check_consent(after, family, bool(data.get("consent")), errors)
    if family.pseudonymised_at is not None and any(values.get(n) for n in CONTACT_FIELDS):
        errors["parent_name"] = str(_l("this family was pseudonymised"))
    if after["wave"] is not None and after["wave"].id != family.wave_id:
        if not after["wave"].is_open:
            errors["wave"] = str(_l("this wave is closed"))
        elif has_active_loan(family):
            errors["wave"] = str(_l("the family has a device: end its loan first"))
    check_referral(after, errors)
    if errors:
        raise ValidationError(INVALID, errors)
    _apply(family, values, bool(data.get("consent")), actor)
    db.session.flush()


def check_referral(values: Mapping[str, Any], errors: dict[str, str]) -> None:
    """Note what a referral lacks before its family joins a wave's waiting list."""
    wave = values.get("wave")
    if wave is None:
        return
    school = values.get("school")
    if school is None:
        errors.setdefault("school", str(_l("required to join a waiting list")))
    elif wave.schools and school.id not in {covered.id for covered in wave.schools}:
        errors.setdefault(
            "school", str(_l("is not a school of the wave “%(wave)s”", wave=wave.name))
        )
    for name in ("child_class", "association", "referral_source", "referred_on"):
        if not values.get(name):
            errors.setdefault(name, str(_l("required to join a waiting list")))


def _apply(family: Family, values: dict[str, Any], consent: bool, actor: User | None) -> None:
    for name, value in values.items():
        setattr(family, name, value)
    family.search_text = search.search_text(family)
    if consent and family.consent_on is None:
        family.consent_on = clock.today()
        family.consent_by_id = actor.id if actor else None


def _reference(raw: Any, referred_on: date, errors: dict[str, str]) -> str:
    if raw in (None, ""):
        return next_reference(referred_on.year)
    reference = str(raw).strip().upper()
    if not isinstance(raw, str) or not _REFERENCE.fullmatch(reference):
        errors["reference"] = str(_l("3 to 20 letters, digits or dashes"))
    elif db.session.scalar(sa.select(Family.id).where(Family.reference == reference)):
        raise ConflictError(
            _l("A family already has the reference %(ref)s.", ref=reference),
            {"reference": str(_l("already used"))},
        )
    return reference


def has_active_loan(family: Family) -> bool:
    return (
        db.session.scalar(
            sa.select(Loan.id).where(
                Loan.family_id == family.id, Loan.status.in_(ACTIVE_LOAN_STATUSES)
            )
        )
        is not None
    )


def waiting_statement(wave_id: int) -> sa.Select:
    """Select the families waiting for a device in a wave, in referral order."""
    # Two NOT EXISTS, each read from an index a family: a running loan anywhere (the partial
    # index of a family's running loan, with the index's own condition, which SQLite must
    # find written the same to use it) and a loan of this wave ((family_id, wave_id)).
    # As one OR, PostgreSQL hashed every running loan of the programme first (16,600 at
    # 100,000 devices) and SQLite read each family's loans; NOT IN listed them all (40 ms
    # instead of 1 ms on SQLite).
    running = sa.exists().where(Loan.family_id == Family.id, ACTIVE_LOAN)
    in_this_wave = sa.exists().where(
        Loan.family_id == Family.id,
        Loan.wave_id == wave_id,
        Loan.status != LoanStatus.CANCELLED,
    )
    return (
        sa.select(Family)
        .where(
            Family.wave_id == wave_id,
            Family.needs_computer,
            Family.pseudonymised_at.is_(None),
            ~running,
            ~in_this_wave,
        )
        .order_by(Family.referred_on, Family.id)
    )
