"""Pseudonymising families once their loans are long closed: the reference and the figures stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from reuse_tracker.db_types import utcnow
from reuse_tracker.documents import services as issuing
from reuse_tracker.extensions import db
from reuse_tracker.loans.families import CONTACT_FIELDS
from reuse_tracker.loans.models import ACTIVE_LOAN_STATUSES, Family, Loan, LoanReminder


@dataclass(frozen=True)
class PurgeCandidate:
    reference: str
    #: When the family's last loan closed (or, with no loan, when it was recorded).
    last_activity: datetime
    contact_fields: int
    signatures: int


def _last_activity() -> sa.ColumnElement:
    last_closed = (
        sa.select(sa.func.max(Loan.closed_at))
        .where(Loan.family_id == Family.id)
        .correlate(Family)
        .scalar_subquery()
    )
    return sa.func.coalesce(last_closed, Family.created_at)


def candidates(retention_days: int, now: datetime | None = None) -> list[PurgeCandidate]:
    """List the families to pseudonymise: no active loan, nothing for ``retention_days``."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    active = sa.select(Loan.family_id).where(Loan.status.in_(ACTIVE_LOAN_STATUSES))
    signatures = (
        sa.select(sa.func.count())
        .where(Loan.family_id == Family.id, Loan.signature_png.is_not(None))
        .correlate(Family)
        .scalar_subquery()
    )
    last = _last_activity().label("last_activity")
    rows = db.session.execute(
        sa.select(Family, last, signatures)
        .where(Family.pseudonymised_at.is_(None), Family.id.not_in(active), last < cutoff)
        .order_by(Family.reference)
    )
    found = []
    for family, last_activity, signed in rows:
        filled = sum(1 for name in CONTACT_FIELDS if getattr(family, name))
        found.append(PurgeCandidate(family.reference, _aware(last_activity), filled, signed))
    return found


def _aware(moment: datetime | str) -> datetime:
    """Return the coalesced timestamp as an aware datetime (SQLite may give it as text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def purge(references: list[str]) -> int:
    """Blank the contact fields and delete the signatures of these families; flush."""
    if not references:
        return 0
    ids = db.session.scalars(sa.select(Family.id).where(Family.reference.in_(references))).all()
    now = utcnow()
    db.session.execute(
        sa.update(Family)
        .where(Family.id.in_(ids))
        .values(
            **dict.fromkeys(CONTACT_FIELDS),
            search_text=sa.func.lower(Family.reference),
            pseudonymised_at=now,
        )
    )
    db.session.execute(sa.update(Loan).where(Loan.family_id.in_(ids)).values(signature_png=None))
    loans = db.session.scalars(sa.select(Loan.id).where(Loan.family_id.in_(ids))).all()
    # The issued charters name the family: keep their numbers and hashes, not their bytes.
    issuing.erase_contents(f"loan:{loan_id}" for loan_id in loans)
    # A reminder's note may name people: it goes with the details; the reminder stays counted.
    db.session.execute(
        sa.update(LoanReminder).where(LoanReminder.loan_id.in_(loans)).values(note="")
    )
    db.session.flush()
    return len(ids)
