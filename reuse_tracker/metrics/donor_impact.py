"""The ``donor_impact`` provider: what became of one donor's machines, with the set in use."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation
from reuse_tracker.loans.models import Loan
from reuse_tracker.metrics import aggregates, factors, impact


def donor_impact(donor_id: int) -> dict[str, Any]:
    """Return received, reused, recycled, harvested, kg kept in use and CO2e by method.

    Since the programme began until now; three grouped queries whatever the data.
    """
    factor_set = factors.as_pure(factors.current())
    now = aggregates.moment(clock.now())
    lent = (
        sa.select(
            Loan.device_id,
            sa.func.sum(
                aggregates.days_between(sa.func.coalesce(Loan.closed_at, now), Loan.handed_over_at)
            ).label("days"),
        )
        .where(Loan.handed_over_at.is_not(None))
        .group_by(Loan.device_id)
        .subquery()
    )
    donated = (
        sa.select(Device.id)
        .join(Donation, Donation.id == Device.donation_id)
        .where(Donation.donor_id == donor_id)
    )
    rows = db.session.execute(
        sa.select(
            Device.type,
            sa.func.count(),
            sa.func.count(lent.c.device_id),
            aggregates.count_if(Device.status == Status.RECYCLED),
            aggregates.count_if(Device.status == Status.HARVESTED),
            sa.func.coalesce(
                sa.func.sum(sa.case((lent.c.device_id.is_not(None), Device.weight_kg))), 0
            ),
            aggregates.count_if(sa.and_(lent.c.device_id.is_not(None), Device.weight_kg.is_(None))),
            sa.func.coalesce(sa.func.sum(lent.c.days), 0),
        )
        .outerjoin(lent, lent.c.device_id == Device.id)
        .where(Device.id.in_(donated))
        .group_by(Device.type)
    ).all()
    activity = {
        kind: impact.TypeActivity(
            reused=int(reused),
            recorded_kg=float(kg),
            without_weight=int(missing),
            years_on_loan=float(days) / aggregates.DAYS_PER_YEAR,
        )
        for kind, _n, reused, _r, _h, kg, missing, days in rows
    }
    result = impact.impact(activity, factor_set)
    return {
        "received": sum(row[1] for row in rows),
        "reused": sum(row[2] for row in rows),
        "recycled": sum(row[3] for row in rows),
        "harvested": sum(row[4] for row in rows),
        "kg_kept_in_use": round(result.kg_kept_in_use, 2),
        "co2e_avoided_kg": {m: round(v, 1) for m, v in result.co2e_avoided_kg.items()},
        "factor_set": factor_set.version,
        "method_note": " ".join([*impact.METHOD_NOTES.values(), impact.PARTS_NOTE]),
    }
