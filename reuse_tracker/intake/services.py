"""Registering donors and donations: one donation and all its devices, or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from reuse_tracker import clock, database, inputs, sequences
from reuse_tracker.auth.models import User
from reuse_tracker.database import cyclic_gc_paused
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import registration
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake.models import DONOR_KINDS, Donation, Donor


def siret_is_valid(siret: str) -> bool:
    """Check a SIRET: 14 digits passing the Luhn check (La Poste's sites excepted by law)."""
    if len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    if siret.startswith("356000000"):  # La Poste: digits sum to a multiple of 5
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for index, digit in enumerate(int(d) for d in reversed(siret)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def clean_donor(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a donor's fields; return them clean or raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    texts = {
        key: _donor_text(data.get(key), kind, f"donor.{key}", errors)
        for key, kind in DONOR_TEXTS.items()
    }
    name = " ".join(texts.pop("name").split())
    if not name and "donor.name" not in errors:
        errors["donor.name"] = str(_l("is required"))
    siret = "".join(str(data.get("siret") or "").split())
    if siret and not siret_is_valid(siret):
        errors["donor.siret"] = str(_l("is not a valid SIRET (14 digits, check digit)"))
    kind = str(data.get("kind") or "company")
    if kind not in DONOR_KINDS:
        errors["donor.kind"] = inputs.not_one_of(DONOR_KINDS)
    email = str(data.get("contact_email") or "").strip()
    if email:
        from reuse_tracker.auth.services import normalise_email

        try:
            email = normalise_email(email)
        except ValidationError:
            errors["donor.contact_email"] = str(_l("is not a valid email address"))
    if errors:
        raise ValidationError(_l("The donor's details are invalid."), errors)
    optional = {key: value or None for key, value in texts.items()}
    return {
        "name": name,
        "siret": siret or None,
        "kind": kind,
        "contact_email": email or None,
        **optional,
    }


#: The donor's free texts and the kind of text each is (``inputs.TEXT_KINDS``).
DONOR_TEXTS = {
    "name": "name",
    "contact_name": ("line", 120),
    "contact_phone": "phone",
    "address": "address",
}


def _donor_text(raw: Any, kind: Any, field: str, errors: dict[str, str]) -> str:
    """Return a donor's text cleaned, or "" after noting in ``errors`` why it is refused."""
    kind, limit = kind if isinstance(kind, tuple) else (kind, None)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(raw)
    try:
        return inputs.clean_text(raw, kind, max_length=limit)
    except ValueError as problem:
        errors[field] = str(problem)
        return ""


def clean_notes(raw: Any) -> str:
    """Return a donation's notes cleaned; raise ValidationError naming ``notes``."""
    try:
        return inputs.clean_text(raw, "notes")
    except ValueError as problem:
        raise ValidationError(_l("The notes are invalid."), {"notes": str(problem)}) from None


def find_or_create_donor(data: Mapping[str, Any]) -> Donor:
    """Return the donor with this SIRET or name, creating it when new; flush."""
    clean = clean_donor(data)
    donor = None
    if clean["siret"]:
        donor = db.session.scalar(sa.select(Donor).where(Donor.siret == clean["siret"]))
    if donor is None:
        donor = db.session.scalar(
            sa.select(Donor).where(sa.func.lower(Donor.name) == clean["name"].lower())
        )
    if donor is None:
        return _create_donor(clean)
    for key, value in clean.items():
        if value and key != "name" and getattr(donor, key) is None:
            setattr(donor, key, value)
    if clean["siret"] and donor.siret != clean["siret"]:
        raise ValidationError(
            _l("The donor's details are invalid."),
            {"donor.siret": str(_l("%(name)s is registered with another SIRET", name=donor.name))},
        )
    return donor


def _create_donor(clean: dict[str, Any]) -> Donor:
    """Add a new donor; when another request created the same one meanwhile, refuse (409)."""
    donor = Donor(**clean)
    try:
        with database.refusable():
            db.session.add(donor)
            db.session.flush()
    except sa.exc.IntegrityError:
        field = "donor.siret" if clean["siret"] else "donor.name"
        raise ConflictError(
            _l(
                "The donor %(name)s was registered meanwhile: send the donation again.",
                name=clean["name"],
            ),
            {field: str(_l("registered by someone else meanwhile"))},
        ) from None
    return donor


def next_reference(received_on: date) -> str:
    """Allocate the next ``DON-<year>-<number>`` for a donation received on that date."""
    number = sequences.allocate(f"donation-{received_on.year}")[0]
    return f"DON-{received_on.year}-{number:04d}"


def register_donation(
    donor: Mapping[str, Any] | Donor,
    received_on: date | str | None,
    devices: Sequence[Mapping[str, Any]],
    *,
    actor: User | None,
    notes: str = "",
    row_label=None,
    at: datetime | None = None,
) -> Donation:
    """Record a donation with every device and its intake event; flush.

    Checks everything first: on any bad field or row, raises ValidationError
    naming each one, and nothing is written. ``at`` dates the records (default: now);
    only loaders of past records (the demo) pass it.
    """
    notes = clean_notes(notes)
    with cyclic_gc_paused():
        received, specs = check_donation(donor, received_on, devices, row_label=row_label)
        donor_row = donor if isinstance(donor, Donor) else find_or_create_donor(donor)
        donation = Donation(
            reference=next_reference(received),
            donor=donor_row,
            received_on=received,
            received_by=actor,
            notes=notes,
            created_at=at or utcnow(),
        )
        db.session.add(donation)
        db.session.flush()
        registration.intake(donation, specs, actor, at=at)
    return donation


def check_donation(
    donor: Mapping[str, Any] | Donor,
    received_on: date | str | None,
    devices: Sequence[Mapping[str, Any]],
    *,
    row_label=None,
) -> tuple[date, list[registration.DeviceSpec]]:
    """Check a donation as ``register_donation`` would, writing nothing; return date and specs.

    Raises one ValidationError naming every bad field and row: the donor's, the date's
    and the devices' together, so a form or a file preview can show them all at once.
    """
    errors: dict[str, str] = {}
    if not isinstance(donor, Donor):
        _collect(errors, clean_donor, donor)
    received = _collect(errors, _clean_date, received_on)
    specs = _collect(errors, registration.check_devices, devices, row_label)
    if errors:
        raise ValidationError.nothing_recorded(errors)
    return received, specs


def _collect(errors: dict[str, str], check, *args):
    """Return ``check(*args)``, or None after adding its errors by field to ``errors``."""
    try:
        return check(*args)
    except ValidationError as error:
        errors.update(error.fields)
        return None


def _clean_date(value: date | str | None) -> date:
    if isinstance(value, date):
        received = value
    else:
        try:
            received = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError(
                _l("The reception date is invalid."),
                {"received_on": str(_l("must be a date (YYYY-MM-DD)"))},
            ) from None
    if received > clock.today() or received.year < 2000:
        raise ValidationError(
            _l("The reception date is invalid."),
            {"received_on": str(_l("cannot be in the future or before 2000"))},
        )
    return received
