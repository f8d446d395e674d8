"""The workshop board: the queue at each step, how long each device has waited, who did what.

Four queries whatever the data size: three for the queue, one for the activity. Where a device
in the workshop stands is what it lacks first to be marked ready, ``Device.readiness_gap``: the
action service works it out with each event by the one readiness rule
(``lifecycle.missing_for_ready``) and ``flask integrity`` replays it from the log. So every
column, like the steps a state alone decides (to start, ready), reads only the rows it shows,
oldest first from an index, however many devices are at the bench.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from reuse_tracker.auth.models import User
from reuse_tracker.devices.lifecycle import NOTHING_MISSING, Status
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.devices.stock import counts_by_status_and_type
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

#: The board's columns, in workshop order, and the action that moves a device out of each.
STEPS = ("to_start", "erasure", "diagnostics", "grade", "to_mark_ready", "ready")
NEXT_ACTION = {
    "to_start": "start_reconditioning",
    "erasure": "record_erasure",
    "diagnostics": "record_diagnostics",
    "grade": "grade",
    "to_mark_ready": "mark_ready",
    "ready": None,
}
#: The actions counted in the technicians' activity.
WORKSHOP_ACTIONS = (
    "start_reconditioning",
    "record_erasure",
    "record_diagnostics",
    "grade",
    "install_part",
    "harvest_part",
    "mark_ready",
    "harvest",
    "recycle",
)


@dataclass(frozen=True)
class Activity:
    actor: str
    action: str
    today: int
    week: int


#: The board's column of each readiness gap (``Device.readiness_gap``) of a device in the
#: workshop: what it lacks first decides where it waits.
GAP_STEPS = {
    "erasure": "erasure",
    "erasure_failed": "erasure",
    "diagnostics": "diagnostics",
    "diagnostics_failed": "diagnostics",
    "grade": "grade",
    NOTHING_MISSING: "to_mark_ready",
}

#: The steps a device's state alone decides, oldest first through ``(status, status_changed_at)``.
STATUS_STEPS = {
    "to_start": (Status.RECEIVED, Status.RETURNED),
    "ready": (Status.READY,),
}


def queue(per_step: int = 12) -> dict[str, list[sa.Row]]:
    """Return the devices waiting at each step, longest wait first (three queries).

    Only the devices shown are read, each column's first rows from an index: the steps a
    state decides through ``(status, status_changed_at)``, the others through what the
    action service keeps of each device in the workshop, ``(readiness_gap, last_event_at)``.
    The totals come from ``device_counts`` and from a count of that second index.
    """
    states = counts_by_status_and_type()
    totals = {
        step: sum(sum(states[status].values()) for status in statuses)
        for step, statuses in STATUS_STEPS.items()
    }
    gaps = db.session.execute(
        sa.select(Device.readiness_gap, sa.func.count())
        .where(Device.readiness_gap.is_not(None))
        .group_by(Device.readiness_gap)
    )
    for gap, count in gaps:
        step = GAP_STEPS[gap]
        totals[step] = totals.get(step, 0) + count
    columns: dict[str, list[sa.Row]] = {name: [] for name in STEPS}
    shown = {f"{step}_total": totals.get(step, 0) for step in STEPS}
    for row in db.session.execute(_queue_statement(per_step), shown):
        columns[row.step].append(row)
    for step, rows in columns.items():  # a column may merge two states or two gaps
        columns[step] = sorted(rows, key=lambda row: (row.since, row.position))[:per_step]
    return columns


def _firsts(per_step: int) -> list[sa.Select]:
    """The oldest ``per_step`` devices of each state and of each gap, from their indexes."""
    firsts = []

    def first(step: str, condition, order, gap) -> None:
        total = sa.bindparam(f"{step}_total", type_=sa.Integer)
        firsts.append(
            sa.select(
                Device.id.label("device_id"),
                sa.literal(step).label("step"),
                total.label("total"),
                sa.literal(gap, sa.String).label("gap"),
            )
            .where(condition)
            .order_by(order, Device.id)
            .limit(per_step)
            .subquery()
            .select()
        )

    for step, statuses in STATUS_STEPS.items():
        for status in statuses:
            first(step, Device.status == status, Device.status_changed_at, None)
    for gap, step in GAP_STEPS.items():
        first(step, Device.readiness_gap == gap, Device.last_event_at, gap)
    return firsts


@lru_cache(maxsize=8)
def _queue_statement(per_step: int) -> sa.Select:
    """The devices each column shows, with their last event and its actor (one statement).

    Built once (a statement is a value; building this one cost more than running it); each
    step's total is a parameter, ``<step>_total``.
    """
    shown = sa.union_all(*_firsts(per_step)).subquery("shown")
    last = aliased(DeviceEvent)
    return (
        sa.select(
            Device.asset_tag,
            Device.type,
            Device.brand,
            Device.model,
            Device.status,
            shown.c.step,
            shown.c.gap,
            shown.c.total,
            last.created_at.label("since"),
            last.action.label("last_action"),
            User.name.label("last_actor"),
            Device.id.label("position"),
        )
        .join(shown, shown.c.device_id == Device.id)
        .join(last, sa.and_(last.device_id == Device.id, last.seq == Device.version))
        .outerjoin(User, User.id == last.actor_id)
    )


def week_start(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the start of today and of this week (Monday), where the workshop is."""
    today = datetime.combine(now.astimezone(zone).date(), time(), zone)
    return today, today - timedelta(days=today.weekday())


def activity(now: datetime, zone: ZoneInfo) -> list[Activity]:
    """Count each technician's actions today and this week (one grouped query)."""
    today, week = week_start(now, zone)
    rows = db.session.execute(
        sa.select(
            User.name,
            DeviceEvent.action,
            sa.func.sum(sa.case((DeviceEvent.created_at >= today, 1), else_=0)),
            sa.func.count(),
        )
        .join(User, User.id == DeviceEvent.actor_id)
        .where(
            DeviceEvent.action.in_(WORKSHOP_ACTIONS),
            DeviceEvent.created_at >= week,
            DeviceEvent.created_at <= now,
        )
        .group_by(User.id, User.name, DeviceEvent.action)
        .order_by(User.name, DeviceEvent.action)
    )
    return [
        Activity(name, action, int(done_today or 0), int(done_week))
        for name, action, done_today, done_week in rows
    ]


#: The workshop steps as the device list's filter names them.
STEP_TITLES = {
    "to_start": _l("To start"),
    "erasure": _l("Data erasure"),
    "diagnostics": _l("Diagnostics"),
    "grade": _l("Grading"),
    "to_mark_ready": _l("To mark ready"),
}


def devices_at_step(step: str) -> sa.ColumnElement:
    """A condition on ``Device``: the device waits at workshop ``step`` (the board's rule)."""
    if step in STATUS_STEPS:  # its state alone decides
        return Device.status.in_(STATUS_STEPS[step])
    return Device.readiness_gap.in_([gap for gap, at in GAP_STEPS.items() if at == step])


def step_filter() -> tuple[dict, Callable[[str], sa.ColumnElement]]:
    """The workshop steps and their condition, for the core's device list (a provider)."""
    return STEP_TITLES, devices_at_step


def queue_panel(user) -> dict | None:
    """The dashboard's card for technicians: what waits at each step, the oldest first."""
    from reuse_tracker.vocabulary import Role

    if user is None or user.role != Role.WORKSHOP:
        return None
    columns = queue(per_step=3)
    return {
        "steps": [
            (step, columns[step], columns[step][0].total if columns[step] else 0)
            for step in STEPS
            if step != "ready"
        ],
        "step_titles": STEP_TITLES,
        "next_action": NEXT_ACTION,
    }
