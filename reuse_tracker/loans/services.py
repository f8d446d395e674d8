"""The loan actions: each creates or moves a Loan inside the device action's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from reuse_tracker import clock, database
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import counts as device_counts
from reuse_tracker.devices import services as device_services
from reuse_tracker.devices.fields import labels_of
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import INVALID_FIELDS, ConflictError, UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import allocation, proposals
from reuse_tracker.loans.models import (
    ACTIVE_LOAN_STATUSES,
    Association,
    Family,
    Loan,
    School,
    Wave,
)
from reuse_tracker.loans.programme import record_id
from reuse_tracker.vocabulary import LoanStatus


def active_loan(device_id: int) -> Loan | None:
    """Return the device's reserved or running loan, if any."""
    return db.session.scalar(
        sa.select(Loan).where(Loan.device_id == device_id, Loan.status.in_(ACTIVE_LOAN_STATUSES))
    )


@dataclass
class _Confirmation:
    """The families of the pairs a confirmation reserves, read at once (``_families_read``)."""

    by_reference: dict[str, Family]
    #: Those holding a reserved or running loan, then those this confirmation reserves for.
    holding: set[int]


#: The confirmation being applied, if any: its reservations look their families up here.
_confirmation: ContextVar[_Confirmation | None] = ContextVar("loans_confirmation", default=None)


@contextmanager
def _families_read(references: Iterable[str]) -> Iterator[None]:
    """Read the families of a confirmation's pairs, and which of them hold a loan, in two
    queries: each reservation would read its family and then look for its loan (a wave of
    1,000 families: 2,000 statements of its 5,000)."""
    wanted = sorted({reference.strip().upper() for reference in references})
    families = database.rows_matching(sa.select(Family), Family.reference, wanted)
    holding = database.rows_matching(
        sa.select(Loan.family_id)
        .join(Family, Family.id == Loan.family_id)
        .where(Loan.status.in_(ACTIVE_LOAN_STATUSES)),
        Family.reference,
        wanted,
    )
    token = _confirmation.set(
        _Confirmation({f.reference: f for (f,) in families}, {id_ for (id_,) in holding})
    )
    try:
        yield
    finally:
        _confirmation.reset(token)


def find_family(reference: str) -> Family | None:
    key = reference.strip().upper()
    confirmation = _confirmation.get()
    if confirmation is not None and key in confirmation.by_reference:
        return confirmation.by_reference[key]
    return db.session.scalar(sa.select(Family).where(Family.reference == key))


def on_reserve(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Check the family and the wave, then create the reservation's Loan."""
    family = find_family(payload["family"])
    if family is None:
        raise ValidationError(
            _l("No family has this reference."),
            {"family": str(_l("no family has the reference %(ref)s", ref=payload["family"]))},
            labels_of("reserve"),
        )
    wave = db.session.get(Wave, payload["wave"])
    if wave is None:
        raise ValidationError(
            _l("No such wave."), {"wave": str(_l("no wave has this number"))}, labels_of("reserve")
        )
    _check_reservation(family, wave)
    loan = Loan(
        family_id=family.id,
        device_id=device.id,
        wave_id=wave.id,
        status=LoanStatus.RESERVED,
        reserved_at=utcnow(),
        reserved_by_id=actor.id if actor else None,
    )
    family.wave_id = wave.id
    db.session.add(loan)
    _flush_loan(device, family)
    confirmation = _confirmation.get()
    if confirmation is not None:
        confirmation.holding.add(family.id)
    # The event names the loan, never the family: workshop and viewers read device histories.
    payload.pop("family")
    payload["loan"] = loan.id


def _check_reservation(family: Family, wave: Wave) -> None:
    if not wave.is_open:
        raise ConflictError(
            _l("The wave “%(wave)s” is closed: it takes no new reservation.", wave=wave.name)
        )
    if family.pseudonymised_at is not None:
        raise ConflictError(
            _l(
                "The family %(ref)s was pseudonymised: it cannot borrow again.",
                ref=family.reference,
            )
        )
    if family.wave_id not in (None, wave.id):
        raise ConflictError(
            _l("The family %(ref)s is on the waiting list of another wave.", ref=family.reference)
        )
    confirmation = _confirmation.get()
    if confirmation is not None and family.id not in confirmation.holding:
        return  # read with the confirmation's families (the unique index settles a race)
    held = db.session.execute(
        sa.select(Device.asset_tag, Loan.status)
        .join(Device, Device.id == Loan.device_id)
        .where(Loan.family_id == family.id, Loan.status.in_(ACTIVE_LOAN_STATUSES))
    ).first()
    if held is not None:
        raise ConflictError(
            _l(
                "The family %(ref)s already has a device (%(tag)s, %(status)s): "
                "one loan at a time.",
                ref=family.reference,
                tag=held.asset_tag,
                status=device_services.status_title(held.status),
            )
        )


def _flush_loan(device: Device, family: Family) -> None:
    """Write the new loan; the partial unique indexes settle races between two people."""
    # Read now: after a failed flush the session cannot load anything.
    reference, tag = family.reference, device.asset_tag
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        if "family_id" in str(error.orig) or "uq_loans_family" in str(error.orig):
            raise ConflictError(
                _l(
                    "The family %(ref)s was given another device meanwhile: one loan at a time.",
                    ref=reference,
                )
            ) from error
        raise ConflictError(
            _l("The device %(tag)s was reserved by someone else meanwhile.", tag=tag)
        ) from error


def _loan_for(device: Device, payload: dict[str, Any], status: str) -> Loan | None:
    """Return the device's loan in ``status`` and name it in the event's payload."""
    loan = active_loan(device.id)
    if loan is not None and loan.status == status:
        payload["loan"] = loan.id
        return loan
    return None


def _close(loan: Loan | None, status: str, note: str | None = None) -> None:
    if loan is None:
        return
    loan.status = status
    loan.closed_at = utcnow()
    if note:
        loan.closing_note = note[:2000]


def on_cancel(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Cancel the reservation; the family goes back to its wave's waiting list."""
    _close(
        _loan_for(device, payload, LoanStatus.RESERVED), LoanStatus.CANCELLED, payload.get("reason")
    )


def on_hand_over(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """Start the loan: how and when the charter was signed, the association, the due date."""
    loan = active_loan(device.id)
    reserved = loan if loan is not None and loan.status == LoanStatus.RESERVED else None
    way = payload.setdefault("charter_way", "attested")
    signed_on = _charter_date(reserved, way, payload.get("charter_signed_on"))
    due_on = _due_on(payload.get("due_on"), signed_on)
    association = _association(payload.get("association"))
    if way == "paper" and association is None:
        raise ValidationError(
            _l("A charter signed on paper needs the association present at the hand-over."),
            {"association": str(_l("say which association was present"))},
            labels_of("hand_over"),
        )
    payload["charter_signed_on"] = signed_on.isoformat()
    payload["due_on"] = due_on.isoformat()
    if association is not None:
        payload["association"] = association.name
    if reserved is None:
        return
    payload["loan"] = reserved.id
    reserved.status = LoanStatus.ON_LOAN
    reserved.handed_over_at = utcnow()
    reserved.charter_signed_on = signed_on
    reserved.charter_way = way
    reserved.due_on = due_on
    reserved.association_id = association.id if association else None


def _charter_date(loan: Loan | None, way: str, raw: str | None) -> date:
    """Return the charter's date; a screen signature must be on record for this loan."""
    if way == "screen":
        if loan is None or loan.signed_at is None:
            raise ValidationError(
                _l("No signature of the charter is on record for this loan."),
                {"charter_way": str(_l("the family has not signed on the screen yet"))},
                labels_of("hand_over"),
            )
        return clock.local(loan.signed_at).date()
    if not raw:
        raise ValidationError(
            _l("The charter must be signed before the hand-over."),
            {"charter_signed_on": str(_l("give the date the charter was signed"))},
            labels_of("hand_over"),
        )
    signed_on = raw if isinstance(raw, date) else date.fromisoformat(raw)
    if signed_on > clock.today():
        raise ValidationError(
            INVALID_FIELDS,
            {"charter_signed_on": str(_l("cannot be in the future"))},
            labels_of("hand_over"),
        )
    return signed_on


def default_due_on(start: date) -> date:
    """Return the due date of a loan starting on ``start`` (LOAN_DURATION_DAYS later)."""
    return start + timedelta(days=current_app.config.get("LOAN_DURATION_DAYS", 365))


def _due_on(raw: str | None, signed_on: date) -> date:
    if not raw:
        return default_due_on(signed_on)
    due_on = date.fromisoformat(raw)
    if due_on <= signed_on:
        raise ValidationError(
            INVALID_FIELDS,
            {"due_on": str(_l("must be after the charter's date"))},
            labels_of("hand_over"),
        )
    return due_on


def _association(raw: str | None) -> Association | None:
    """Find an association by its number or its name (any case)."""
    if not raw:
        return None
    text = raw.strip()
    number = record_id(text)
    condition = (
        Association.id == number
        if number is not None
        else sa.func.lower(Association.name) == text.lower()
    )
    association = db.session.scalar(sa.select(Association).where(condition))
    if association is None:
        raise ValidationError(
            INVALID_FIELDS,
            {"association": str(_l("no association is called %(name)s", name=text[:120]))},
            labels_of("hand_over"),
        )
    return association


def on_return(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    """End the loan with the device's condition; the device goes back to the workshop."""
    loan = _loan_for(device, payload, LoanStatus.ON_LOAN)
    _close(loan, LoanStatus.RETURNED, payload.get("notes"))
    if loan is not None:
        loan.returned_at = loan.closed_at
        loan.return_condition = payload["condition"]


def on_lost(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    _close(
        _loan_for(device, payload, LoanStatus.ON_LOAN), LoanStatus.LOST, payload["circumstances"]
    )


def on_transfer(device: Device, payload: dict[str, Any], actor: User | None) -> None:
    note = " — ".join(filter(None, [payload.get("decision"), payload.get("notes")]))
    _close(_loan_for(device, payload, LoanStatus.ON_LOAN), LoanStatus.TRANSFERRED, note)


def current_loan_answer(device: Device, user: User | None) -> dict[str, Any] | None:
    """Return the device's current loan (one query); the family only for family roles."""
    if device.status not in ACTIVE_LOAN_STATUSES:
        return None
    row = db.session.execute(
        sa.select(
            Loan.id,
            Loan.status,
            Loan.due_on,
            Loan.wave_id,
            Wave.name.label("wave_name"),
            School.uai,
            School.name.label("school_name"),
            Family.reference,
            Family.parent_name,
        )
        .join(Family, Family.id == Loan.family_id)
        .outerjoin(Wave, Wave.id == Loan.wave_id)
        .outerjoin(School, School.id == Family.school_id)
        .where(Loan.device_id == device.id, Loan.status.in_(ACTIVE_LOAN_STATUSES))
    ).first()
    if row is None:
        return None
    late = days_late(row.status, row.due_on)
    answer = {
        "id": row.id,
        "status": row.status,
        "wave": row.wave_id,
        "wave_name": row.wave_name,
        "school": {"uai": row.uai, "name": row.school_name} if row.uai else None,
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "is_overdue": late > 0,
        "days_late": late,
    }
    if user is not None and user.sees_families:
        answer["family"] = row.reference
        answer["family_name"] = row.parent_name
    return answer


def days_late(status: str, due_on: date | None) -> int:
    """Count the days a running loan is past its due date (0: not late)."""
    if status != LoanStatus.ON_LOAN or due_on is None:
        return 0
    return max(0, (clock.today() - due_on).days)


def confirm_proposal(wave: Wave, fingerprint: str, devices: int, actor: User | None) -> int:
    """Reserve the wave's proposal, recomputed now, if it is the one the coordinator saw.

    ``fingerprint`` and ``devices`` are what the page showed (``allocation.fingerprint`` and
    the number of pairs). If the stock or the waiting list changed since, nothing is reserved.
    """
    proposal = proposals.proposal_for(wave.id)
    if (
        allocation.fingerprint(wave.id, proposal.pairs) != fingerprint
        or len(proposal.pairs) != devices
    ):
        raise ConflictError(
            _l("The proposal changed since it was shown: check the new proposal before confirming.")
        )
    if not proposal.pairs:
        raise UserError(_l("There is nothing to reserve."))
    pairs = [(pair.reference, pair.asset_tag) for pair in proposal.pairs]
    return apply_proposal(wave, pairs, actor)


def apply_proposal(wave: Wave, pairs: Sequence[tuple[str, str]], actor: User | None) -> int:
    """Reserve each (family, tag) pair for ``wave``, all or nothing; flush; return the count."""
    devices = device_services.devices_by_tag(tag for _reference, tag in pairs)
    # The state summary written once, not twice a pair; the families read at once.
    with device_counts.deferred(), _families_read(reference for reference, _tag in pairs):
        for number, (reference, tag) in enumerate(pairs, 1):
            try:
                # An unknown tag: get_device refuses it, in its words.
                device = devices.get(device_services.normalise_tag(tag))
                device = device or device_services.get_device(tag)
                device_services.perform(
                    device, "reserve", {"family": reference, "wave": wave.id}, actor=actor
                )
            except UserError as error:
                raise error.__class__(
                    _l(
                        "Nothing was reserved. Line %(n)s (%(ref)s, %(tag)s): %(reason)s",
                        n=number,
                        ref=reference,
                        tag=tag,
                        reason=error.full_message,
                    )
                ) from error
    return len(pairs)
