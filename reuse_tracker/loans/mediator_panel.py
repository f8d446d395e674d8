"""The mediator's dashboard card: the association's hand-over days, its overdue loans to follow."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request, session

from reuse_tracker import clock
from reuse_tracker.extensions import db
from reuse_tracker.loans import queries
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.programme import record_id
from reuse_tracker.vocabulary import LoanStatus, Role

#: Where the mediator's choice of association is kept between visits.
SESSION_KEY = "mediator_association"
#: Rows of each list on the card.
SHOWN = 5


def _association(choices: list[sa.Row]) -> int | None:
    known = {row.id for row in choices}
    wanted = record_id(request.args.get("association", "")) if request else None
    if wanted in known:
        session[SESSION_KEY] = wanted
        return wanted
    kept = session.get(SESSION_KEY)
    return kept if kept in known else None


def _handover_days(association: int | None) -> list[sa.Row]:
    """(wave, school, devices to hand over) of the open waves, the soonest first."""
    statement = (
        sa.select(
            Wave.id.label("wave_id"),
            Wave.name.label("wave_name"),
            Wave.starts_on,
            School.id.label("school_id"),
            School.name.label("school_name"),
            sa.func.count(Loan.id).label("to_hand_over"),
        )
        .select_from(Loan)
        .join(Family, Family.id == Loan.family_id)
        .join(School, School.id == Family.school_id)
        .join(Wave, Wave.id == Loan.wave_id)
        .where(Loan.status == LoanStatus.RESERVED, Wave.is_open)
        .group_by(Wave.id, Wave.name, Wave.starts_on, School.id, School.name)
        .order_by(Wave.starts_on, School.name)
        .limit(4 * SHOWN)
    )
    if association is not None:
        statement = statement.where(Family.association_id == association)
    return db.session.execute(statement).all()


def mediator_panel(user) -> dict[str, Any] | None:
    """Build the mediator's card (four queries), or None for the other roles."""
    if getattr(user, "role", None) != Role.MEDIATOR:
        return None
    today = clock.today()
    choices = db.session.execute(
        sa.select(Association.id, Association.name).order_by(Association.name)
    ).all()
    association = _association(choices)
    days = _handover_days(association)
    late = queries.overdue_statement(today, association=association)
    overdue_total = queries.overdue_count(today, association=association)
    return {
        "associations": choices,
        "association": association,
        "today_days": [row for row in days if row.starts_on <= today][:SHOWN],
        "next_days": [row for row in days if row.starts_on > today][:SHOWN],
        "overdue": db.session.execute(late.limit(SHOWN)).all(),
        "overdue_total": overdue_total,
        "today": today,
    }
