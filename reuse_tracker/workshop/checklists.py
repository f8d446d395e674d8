"""The diagnostic checklist of each device type: configured by the coordinators, else built in."""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices.fields import CHECK_TITLES, DIAGNOSTIC_CHECKS, default_checklist
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop.models import DiagnosticChecklist

MAX_CHECKS = 30
CHECK_NAME = re.compile(r"^[^\W\d][\w-]{0,31}$")


def checklist_for(device_type: str) -> tuple[str, ...]:
    """Return the checks configured for ``device_type``, or the built-in ones (one query)."""
    checks = db.session.scalar(
        sa.select(DiagnosticChecklist.checks).where(DiagnosticChecklist.device_type == device_type)
    )
    return tuple(checks) if checks else default_checklist(device_type)


def all_checklists() -> dict[str, tuple[tuple[str, ...], bool]]:
    """Return each device type's checks and whether they were configured (one query)."""
    stored = dict(
        db.session.execute(
            sa.select(DiagnosticChecklist.device_type, DiagnosticChecklist.checks)
        ).all()
    )
    return {
        kind: (tuple(stored[kind]), True) if stored.get(kind) else (default_checklist(kind), False)
        for kind in DEVICE_TYPES
    }


def known_checks() -> list[str]:
    """Every check the settings page offers as a box to tick."""
    names = list(CHECK_TITLES)
    names += [c for checks in DIAGNOSTIC_CHECKS.values() for c in checks if c not in names]
    return names


def check_name(text: str) -> str:
    """Turn what a coordinator typed (``Lecteur d'empreintes``) into a check name."""
    return re.sub(r"[^\w-]+", "_", text.strip().casefold()).strip("_")


def save_checklist(
    device_type: str, checks: Iterable[str], actor: User | None
) -> DiagnosticChecklist:
    """Store the checklist of ``device_type``; flush. Raise ValidationError on bad input."""
    if device_type not in DEVICE_TYPES:
        problem, label = {"device_type": _l("is unknown")}, {"device_type": _l("Type")}
        raise ValidationError(_l("Unknown device type."), problem, label)
    names = list(dict.fromkeys(check_name(c) for c in checks if check_name(c)))
    bad = [name for name in names if not CHECK_NAME.match(name)]
    if bad or not names or len(names) > MAX_CHECKS:
        problem = (
            _l("“%(name)s” is not a valid check name", name=bad[0])
            if bad
            else _l("choose from 1 to %(n)s checks", n=MAX_CHECKS)
        )
        raise ValidationError(
            _l("The checklist was not saved."), {"checks": problem}, {"checks": _l("Checks")}
        )
    row = db.session.get(DiagnosticChecklist, device_type) or DiagnosticChecklist(
        device_type=device_type
    )
    row.checks, row.updated_at = names, utcnow()
    row.updated_by_id = actor.id if actor else None
    db.session.add(row)
    db.session.flush()
    return row


def reset_checklist(device_type: str) -> None:
    """Go back to the built-in checklist of ``device_type``; flush."""
    row = db.session.get(DiagnosticChecklist, device_type)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
