"""A wave's allocation proposal read from the database: two queries, whatever the stock.

The waiting list is read as the proposal needs it (reference, type, referral order), and
the ready stock only as far as it can serve: per device type, the first ready devices in
the order ``allocation._device_rank`` ranks them, as many as families wait for that type.
The ranking is done by the database (``row_number() OVER (PARTITION BY type ...)``), so at
100,000 devices a wave of 992 families reads at most 992 devices, not the 6,400 ready ones.
"""

from __future__ import annotations

import sqlalchemy as sa

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
    return [allocation.WaitingFamily(*row) for row in db.session.execute(statement)]


def _byte_order(expression: sa.ColumnElement) -> sa.ColumnElement:
    """Compare texts as Python does (by code point), whatever PostgreSQL's collation."""
    if db.session.get_bind().dialect.name == "postgresql":
        return expression.collate("C")
    return expression  # SQLite compares texts byte by byte (BINARY) already.


def device_rank() -> tuple[sa.ColumnElement, ...]:
    """The ORDER BY of ``allocation._device_rank``: best grade, ready the longest, tag."""
    grade = sa.case(allocation.GRADE_ORDER, value=Device.grade, else_=len(allocation.GRADE_ORDER))
    return (
        grade,
        Device.status_changed_at.is_(None),
        Device.status_changed_at,
        _byte_order(Device.asset_tag),
    )


def ranked_stock(wanted: dict[str, int]) -> list[allocation.ReadyDevice]:
    """Return, per device type, the ``wanted[type]`` best-ranked ready devices (one query)."""
    wanted = {kind: count for kind, count in wanted.items() if count > 0}
    if not wanted:
        return []
    rank = sa.func.row_number().over(partition_by=Device.type, order_by=device_rank())
    ranked = (
        sa.select(
            Device.asset_tag,
            Device.type,
            Device.grade,
            Device.status_changed_at,
            rank.label("rank"),
        )
        .where(Device.status == Status.READY.value, Device.type.in_(sorted(wanted)))
        .subquery("ranked")
    )
    limit = sa.case(wanted, value=ranked.c.type, else_=0)
    statement = (
        sa.select(ranked.c.asset_tag, ranked.c.type, ranked.c.grade, ranked.c.status_changed_at)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.type, ranked.c.rank)
    )
    return [allocation.ReadyDevice(*row) for row in db.session.execute(statement)]


def proposal_for(wave_id: int) -> allocation.Proposal:
    """Match a wave's waiting list to the ready stock it needs (two queries)."""
    families = waiting_families(wave_id)
    wanted: dict[str, int] = {}
    for family in families:
        wanted[family.device_type] = wanted.get(family.device_type, 0) + 1
    return allocation.propose(families, ranked_stock(wanted))
