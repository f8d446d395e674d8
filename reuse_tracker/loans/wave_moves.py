"""Moving a closed wave's waiting families on to another open wave, each move recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from reuse_tracker.auth import audit
from reuse_tracker.auth.models import User
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import queries
from reuse_tracker.loans.families import check_referral
from reuse_tracker.loans.models import Family, Wave


@dataclass
class Moves:
    """The families moved, and those kept back with the reason (their referral does not fit)."""

    moved: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)


def _fits(family: Family, target: Wave) -> str | None:
    errors: dict[str, str] = {}
    values = {name: getattr(family, name) for name in ("school", "child_class", "association")}
    values.update(
        wave=target, referral_source=family.referral_source, referred_on=family.referred_on
    )
    check_referral(values, errors)
    return "; ".join(f"{name}: {problem}" for name, problem in errors.items()) or None


def move_waiting(wave: Wave, target: Wave | None, actor: User | None) -> Moves:
    """Move every waiting family of closed ``wave`` that fits open ``target``; flush."""
    if target is None:
        raise ValidationError(
            _l("Choose the wave to move the families to."),
            {"to": str(_l("choose an open wave"))},
        )
    if wave.is_open:
        raise ConflictError(_l("Close the wave before moving its waiting families."))
    if not target.is_open or target.id == wave.id:
        raise ValidationError(
            _l("The families can only move to another open wave."),
            {"to": str(_l("choose an open wave"))},
        )
    moves = Moves()
    for family in queries.waiting_list(wave.id):
        problem = _fits(family, target)
        if problem:
            moves.kept[family.reference] = problem
            continue
        family.wave_id = target.id
        moves.moved.append(family.reference)
        audit.record(
            "family.wave_moved",
            f"family:{family.reference}",
            {"from_wave": wave.id, "to_wave": target.id},
            actor=actor,
        )
    db.session.flush()
    return moves
