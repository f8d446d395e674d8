"""A family's rights (RGPD): everything held on it, exported; pseudonymised on request."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from reuse_tracker.auth import audit
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import privacy, support
from reuse_tracker.loans.families import has_active_loan
from reuse_tracker.loans.models import Family, Loan, LoanReminder


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def access_export(family: Family, actor: User | None) -> dict[str, Any]:
    """Return everything held on ``family`` (an access request), and record it in the audit log."""
    loans = db.session.execute(
        sa.select(Loan, Device.asset_tag)
        .join(Device, Device.id == Loan.device_id)
        .options(sa.orm.defer(Loan.signature_png))
        .where(Loan.family_id == family.id)
        .order_by(Loan.id)
    ).all()
    reminders = db.session.scalars(
        sa.select(LoanReminder)
        .join(Loan, Loan.id == LoanReminder.loan_id)
        .where(Loan.family_id == family.id)
        .order_by(LoanReminder.id)
    ).all()
    sessions, offers = support.of_family(family.id)
    fields = (
        "reference", "referral_source", "referred_on", "child_class", "neighbourhood",
        "device_type", "parent_name", "phone", "email", "address", "consent_on",
        "created_at", "pseudonymised_at",
    )  # fmt: skip
    answer = {
        "family": {name: _iso(getattr(family, name)) for name in fields},
        "needs": family.needs,
        "school": family.school.name if family.school else None,
        "association": family.association.name if family.association else None,
        "wave": family.wave.name if family.wave else None,
        "loans": [
            {
                "device": tag,
                "status": loan.status,
                "reserved_at": _iso(loan.reserved_at),
                "handed_over_at": _iso(loan.handed_over_at),
                "charter_signed_on": _iso(loan.charter_signed_on),
                "charter_way": loan.charter_way,
                "signature_on_record": loan.signed_at is not None,
                "due_on": _iso(loan.due_on),
                "returned_at": _iso(loan.returned_at),
                "return_condition": loan.return_condition,
                "closing_note": loan.closing_note,
            }
            for loan, tag in loans
        ],
        "reminders": [
            {"on": _iso(r.done_on), "kind": r.kind, "outcome": r.outcome, "note": r.note}
            for r in reminders
        ],
        "support_sessions": [
            {"on": _iso(s.held_on), "kind": s.kind, "led_by": s.led_by} for s in sessions
        ],
        "connection_offers": [
            {"offer": o.offer, "referred_on": _iso(o.referred_on), "connected": o.is_connected}
            for o in offers
        ],
    }
    audit.record("family.access_export", f"family:{family.reference}", actor=actor)
    return answer


def pseudonymise_now(family: Family, actor: User | None) -> None:
    """Pseudonymise ``family`` at its request, before the retention period ends; flush."""
    if family.pseudonymised_at is not None:
        raise ConflictError(_l("This family was pseudonymised."))
    if has_active_loan(family):
        raise ConflictError(
            _l("The family still has a device: record its return before pseudonymising it.")
        )
    privacy.purge([family.reference])
    audit.record(
        "family.pseudonymised", f"family:{family.reference}", {"on_request": True}, actor=actor
    )
