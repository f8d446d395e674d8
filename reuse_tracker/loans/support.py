"""The programme's two other axes: support sessions given to families, connection offers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from reuse_tracker import clock, inputs
from reuse_tracker.auth.models import User
from reuse_tracker.errors import INVALID_FIELDS, ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans.models import (
    SUPPORT_KINDS,
    Association,
    ConnectionOffer,
    Family,
    SupportSession,
)
from reuse_tracker.loans.programme import parse_date, text

KIND_TITLES = dict(
    zip(SUPPORT_KINDS, (_l("workshop"), _l("home visit"), _l("phone help")), strict=True)
)

#: What the page calls each field, for its refusals.
LABELS = {
    "held_on": _l("Date"),
    "kind": _l("Kind"),
    "led_by": _l("Led by"),
    "offer": _l("Low-cost offer referred to"),
    "referred_on": _l("Referred on"),
}


def _dated(data: Mapping[str, Any], name: str, errors: dict[str, str]) -> date | None:
    day = parse_date(data.get(name), errors, name, required=True)
    if day is not None and day > clock.today():
        errors[name] = str(_l("cannot be in the future"))
    return day


def _open(family: Family) -> None:
    if family.pseudonymised_at is not None:
        raise ConflictError(_l("This family was pseudonymised."))


def add_session(family: Family, data: Mapping[str, Any], actor: User | None) -> SupportSession:
    """Record a support session given to ``family``; flush."""
    _open(family)
    errors: dict[str, str] = {}
    held_on = _dated(data, "held_on", errors)
    kind = data.get("kind")
    if kind not in SUPPORT_KINDS:
        errors["kind"] = inputs.not_one_of(SUPPORT_KINDS, KIND_TITLES)
    led_by = text(data.get("led_by"), 120, errors, "led_by", required=True)
    if errors:
        raise ValidationError(INVALID_FIELDS, errors, LABELS)
    session = SupportSession(
        family_id=family.id,
        held_on=held_on,
        kind=kind,
        led_by=led_by,
        association_id=family.association_id,
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(session)
    db.session.flush()
    return session


def add_offer(family: Family, data: Mapping[str, Any], actor: User | None) -> ConnectionOffer:
    """Record the low-cost connection offer ``family`` was referred to; flush."""
    _open(family)
    errors: dict[str, str] = {}
    offer = text(data.get("offer"), 200, errors, "offer", required=True)
    referred_on = _dated(data, "referred_on", errors)
    if errors:
        raise ValidationError(INVALID_FIELDS, errors, LABELS)
    found = ConnectionOffer(
        family_id=family.id,
        offer=offer,
        referred_on=referred_on,
        is_connected=data.get("is_connected") in ("1", "on", "y", True),
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(found)
    db.session.flush()
    return found


def set_connected(offer: ConnectionOffer, connected: bool) -> None:
    """Say whether the family got connected through ``offer``; flush."""
    offer.is_connected = connected
    db.session.flush()


def of_family(family_id: int) -> tuple[list[SupportSession], list[ConnectionOffer]]:
    """Return a family's sessions and offers, the latest first (two queries)."""
    sessions = db.session.scalars(
        sa.select(SupportSession)
        .where(SupportSession.family_id == family_id)
        .order_by(SupportSession.held_on.desc(), SupportSession.id.desc())
    ).all()
    offers = db.session.scalars(
        sa.select(ConnectionOffer)
        .where(ConnectionOffer.family_id == family_id)
        .order_by(ConnectionOffer.referred_on.desc(), ConnectionOffer.id.desc())
    ).all()
    return list(sessions), list(offers)


def for_association(association_id: int | None, limit: int = 200) -> dict[str, list]:
    """List an association's sessions and offers, the latest first (two queries)."""
    sessions = (
        sa.select(SupportSession, Family.reference)
        .join(Family, Family.id == SupportSession.family_id)
        .order_by(SupportSession.held_on.desc(), SupportSession.id.desc())
        .limit(limit)
    )
    offers = (
        sa.select(ConnectionOffer, Family.reference)
        .join(Family, Family.id == ConnectionOffer.family_id)
        .order_by(ConnectionOffer.referred_on.desc(), ConnectionOffer.id.desc())
        .limit(limit)
    )
    if association_id is not None:
        sessions = sessions.where(Family.association_id == association_id)
        offers = offers.where(Family.association_id == association_id)
    return {
        "sessions": db.session.execute(sessions).all(),
        "offers": db.session.execute(offers).all(),
    }


def support_figures(start: date, end: date) -> dict[str, int]:
    """Count the distinct families accompanied and connected between ``start`` and ``end``."""
    accompanied = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(SupportSession.family_id))).where(
            SupportSession.held_on >= start, SupportSession.held_on <= end
        )
    )
    connected = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ConnectionOffer.family_id))).where(
            ConnectionOffer.is_connected,
            ConnectionOffer.referred_on >= start,
            ConnectionOffer.referred_on <= end,
        )
    )
    return {"families_accompanied": accompanied or 0, "families_connected": connected or 0}


def association_choices() -> list[sa.Row]:
    return db.session.execute(
        sa.select(Association.id, Association.name).order_by(Association.name)
    ).all()
