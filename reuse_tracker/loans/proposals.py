"""A wave's allocation proposal read from the database: a few queries, whatever the stock.

The waiting list is read as the proposal needs it (reference, type, referral order), and
the ready stock only as far as it can serve: per device type, the best grade first, the
devices ready the longest, read from an index in that order, as many as families wait for
that type. At 100,000 devices a wave of 1,000 families reads 1,000 laptops, not the 10,700
ready ones.
"""

from __future__ import annotations

from itertools import pairwise

import sqlalchemy as sa

from reuse_tracker.db_types import byte_order
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.loans import allocation
from reuse_tracker.loans.families import waiting_statement
from reuse_tracker.loans.models import Family


def waiting_families(wave_id: int) -> list[allocation.WaitingFamily]:
    """Return a wave's waiting list as the proposal reads it, in referral order (one query)."""
    statement = waiting_statement(wave_id).with_only_columns(
        Family.reference, Family.device_type, Family.referred_on, Family.id
    )
    return [allocation.WaitingFamily(*row) for row in db.session.execute(statement).all()]


def ranked_stock(wanted: dict[str, int]) -> list[allocation.ReadyDevice]:
    """Return, per device type, the ``wanted[type]`` best-ranked ready devices.

    The best grade first: one query reads, for every type, the first ``wanted[type]``
    devices of that grade in the order they rank among equals (ready the longest, then by
    tag), from ``ix_devices_status_type_grade``; the next grade is read only for the types
    still short, and last the devices of no known grade (normally none: a device is graded
    before it is ready). At most one query a grade, whatever the stock.
    """
    short = {kind: count for kind, count in wanted.items() if count > 0}
    stock: list[allocation.ReadyDevice] = []
    for grade in (*allocation.GRADE_ORDER, None):
        if not short:
            break
        for row in db.session.execute(ready_of_grade(grade, short)).all():
            stock.append(allocation.ReadyDevice(*row))
            short[row.type] -= 1
        short = {kind: count for kind, count in short.items() if count > 0}
    return allocation.best_of(stock, wanted)


def ready_of_grade(grade: str | None, wanted: dict[str, int]) -> sa.CompoundSelect:
    """The first ``wanted[type]`` ready devices of each type in ``grade``, in rank order.

    ``grade`` None: every ready device of those types whose grade the proposal does not rank.
    """
    columns = (Device.asset_tag, Device.type, Device.grade, Device.status_changed_at)
    parts = []
    for kind, count in sorted(wanted.items()):
        ready = sa.select(*columns).where(Device.status == Status.READY.value, Device.type == kind)
        if grade is None:
            parts.extend(ready.where(outside) for outside in _ungraded())
            continue
        parts.append(
            ready.where(Device.grade == grade)
            .order_by(Device.status_changed_at, byte_order(Device.asset_tag))
            .limit(count)
            .subquery()
            .select()
        )
    return sa.union_all(*parts)


def _ungraded() -> list[sa.ColumnElement]:
    """No grade, or one the proposal does not rank: each an index range of the grade.

    None, below the known grades, between two of them, above them (A, B and C sort alike in
    every collation). ``NOT IN`` would be one condition but no range: the planners then read
    every ready device of the type, or walk them in the order of their state's date.
    """
    known = sorted(allocation.GRADE_ORDER)
    ranges = [Device.grade.is_(None), Device.grade < known[0], Device.grade > known[-1]]
    ranges += [sa.and_(Device.grade > low, Device.grade < high) for low, high in pairwise(known)]
    return ranges


def proposal_for(wave_id: int) -> allocation.Proposal:
    """Match a wave's waiting list (one query) to the ready stock it needs (one query a grade)."""
    return waiting_and_proposal(wave_id)[1]


def waiting_and_proposal(
    wave_id: int,
) -> tuple[list[allocation.WaitingFamily], allocation.Proposal]:
    """Return a wave's waiting list, in referral order, and the proposal made from it."""
    families = waiting_families(wave_id)
    wanted: dict[str, int] = {}
    for family in families:
        wanted[family.device_type] = wanted.get(family.device_type, 0) + 1
    return families, allocation.propose(families, ranked_stock(wanted))
