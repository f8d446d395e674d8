"""The workshop board: the queue at each step, how long each device has waited, who did what.

Four queries whatever the data size: three for the queue, one for the activity. Where a device
in the workshop stands is computed in SQL from its event log (EXISTS on the events since it last
entered the workshop), the same rules as ``lifecycle.missing_for_ready``: the log stays the one
source of truth, nothing to keep in step, and only the devices in the workshop (a few hundred at
most) are looked at, each through the ``(device_id, seq)`` unique index. The steps a state alone
decides (to start, ready) read only the rows they show, oldest first from an index.
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
from reuse_tracker.devices.lifecycle import TYPES_WITHOUT_STORAGE, Status
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


def _text(event, key: str) -> sa.ColumnElement:
    return sa.func.coalesce(event.payload[key].as_string(), "")


#: The columns of a device in the workshop that the board shows or its step needs.
_DEVICE_COLUMNS = ("type", "version", "asset_tag", "brand", "model", "status")


def _workshop_entries() -> sa.CTE:
    """The devices in the workshop, what the board shows of them, and the event that last
    brought each one in."""
    start = aliased(DeviceEvent)
    entered = (
        sa.select(sa.func.coalesce(sa.func.max(start.seq), 0))
        .where(start.device_id == Device.id, start.action == "start_reconditioning")
        .scalar_subquery()
    )
    return (
        sa.select(
            Device.id.label("device_id"),
            *(getattr(Device, name) for name in _DEVICE_COLUMNS),
            entered.label("entered"),
        )
        .where(Device.status == Status.IN_WORKSHOP)
        .cte("workshop_entries")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # the entry found once a device
    )


def _erasure_counts(erasure) -> sa.ColumnElement:
    """``lifecycle.erasure_counts`` in SQL: passed, and verified or destroyed."""
    return sa.and_(
        _text(erasure, "result") == "passed",
        sa.or_(
            _text(erasure, "verification").in_(("full", "sampling")),
            _text(erasure, "method") == "destroy",
        ),
    )


def _workshop_flags() -> sa.CTE:
    """One row per device in the workshop: the gaps ``missing_for_ready`` would find.

    Materialised on PostgreSQL: inlined, its flags were worked out twice per device (for the
    step and for the columns shown) and the entry event six times; and the device's columns
    come with it, so that the devices table is not joined again (the planner chose to scan
    its 100,000 rows for 1,265): the query at 100,000 devices, 47–57 → 22–26 ms.
    """
    entries = _workshop_entries()
    erasure, later, diag, grade = (aliased(DeviceEvent) for _ in range(4))

    def since(event, action: str):
        return sa.and_(
            event.device_id == entries.c.device_id,
            event.action == action,
            event.seq > entries.c.entered,
        )

    superseded = sa.exists().where(
        later.device_id == erasure.device_id,
        later.action == "record_erasure",
        later.seq > erasure.seq,
        _text(later, "storage_serial") == _text(erasure, "storage_serial"),
    )
    last_diagnostics = (
        sa.select(_text(diag, "result"))
        .where(since(diag, "record_diagnostics"))
        .order_by(diag.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    failed = sa.exists().where(
        since(erasure, "record_erasure"), ~_erasure_counts(erasure), ~superseded
    )
    return (
        sa.select(
            entries.c.device_id,
            *(entries.c[name] for name in _DEVICE_COLUMNS),
            sa.exists().where(since(erasure, "record_erasure")).label("erased"),
            failed.label("erasure_failed"),
            last_diagnostics.label("diagnostics"),
            sa.exists().where(since(grade, "grade")).label("graded"),
        )
        .cte("workshop_flags")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def _step(flags: sa.CTE) -> sa.ColumnElement:
    """The step of a device in the workshop (the flags are of devices in the workshop only)."""
    return sa.case(
        (
            sa.or_(
                sa.and_(~flags.c.erased, flags.c.type.not_in(TYPES_WITHOUT_STORAGE)),
                flags.c.erasure_failed,
            ),
            "erasure",
        ),
        (sa.func.coalesce(flags.c.diagnostics, "") != "passed", "diagnostics"),
        (~flags.c.graded, "grade"),
        else_="to_mark_ready",
    )


#: The steps a device's state alone decides, oldest first through ``(status, status_changed_at)``.
STATUS_STEPS = {
    "to_start": (Status.RECEIVED, Status.RETURNED),
    "ready": (Status.READY,),
}


def queue(per_step: int = 12) -> dict[str, list[sa.Row]]:
    """Return the devices waiting at each step, longest wait first (three queries).

    Only the devices shown are read: the steps a state decides take their first rows from
    the ``(status, status_changed_at)`` index (a device in those states changed state with its
    last action) and their totals from ``device_counts``, and only the devices in the
    workshop go through their event log.
    """
    columns: dict[str, list[sa.Row]] = {name: [] for name in STEPS}
    for row in _workshop_queue(per_step):
        columns[row.step].append(row)
    # Their totals from the summary of states the action service keeps (a few rows), not a
    # count of the 11,000 ready devices of a 100,000-device programme.
    totals = counts_by_status_and_type()
    shown_totals = {
        f"{step}_total": sum(sum(totals[status].values()) for status in statuses)
        for step, statuses in STATUS_STEPS.items()
    }
    for row in db.session.execute(_status_statement(per_step), shown_totals):
        columns[row.step].append(row)
    for step in STATUS_STEPS:  # two states (received, returned) share the first column
        columns[step] = sorted(columns[step], key=lambda row: (row.since, row.position))[:per_step]
    return columns


def _shown_columns(device, last, step, total) -> list:
    """What a card shows: ``device``'s columns (``Device`` or the flags' row), its last event."""
    return [
        device.asset_tag,
        device.type,
        device.brand,
        device.model,
        device.status,
        step,
        last.created_at.label("since"),
        last.action.label("last_action"),
        User.name.label("last_actor"),
        total,
    ]


@lru_cache(maxsize=8)
def _status_statement(per_step: int) -> sa.Select:
    """The oldest devices of each state-decided step, with their last event and its actor.

    Built once (a statement is a value; building this one cost more than running it); each
    step's total is a parameter, ``<step>_total``.
    """
    firsts = []
    for step, statuses in STATUS_STEPS.items():
        total = sa.bindparam(f"{step}_total", type_=sa.Integer)
        for status in statuses:
            firsts.append(
                sa.select(
                    Device.id.label("device_id"),
                    sa.literal(step).label("step"),
                    total.label("total"),
                )
                .where(Device.status == status)
                .order_by(Device.status_changed_at, Device.id)
                .limit(per_step)
                .subquery()
                .select()
            )
    shown = sa.union_all(*firsts).subquery("shown")
    last = aliased(DeviceEvent)
    return (
        sa.select(
            *_shown_columns(Device, last, shown.c.step, shown.c.total),
            sa.null().label("erasure_failed"),
            sa.null().label("diagnostics"),
            Device.id.label("position"),
        )
        .join(shown, shown.c.device_id == Device.id)
        .join(last, sa.and_(last.device_id == Device.id, last.seq == Device.version))
        .outerjoin(User, User.id == last.actor_id)
    )


def _workshop_queue(per_step: int) -> sa.Result:
    """The devices in the workshop: the step their log puts them at, longest wait first."""
    return db.session.execute(_workshop_statement(per_step))


@lru_cache(maxsize=8)
def _workshop_statement(per_step: int) -> sa.Select:
    """``_workshop_queue``'s statement, built once."""
    flags = _workshop_flags()
    last = aliased(DeviceEvent)
    step = _step(flags).label("step")
    ranked = (
        sa.select(
            *_shown_columns(
                flags.c, last, step, sa.func.count().over(partition_by=step).label("total")
            ),
            flags.c.erasure_failed,
            flags.c.diagnostics,
            sa.func.row_number()
            .over(partition_by=step, order_by=(last.created_at, flags.c.device_id))
            .label("position"),
        )
        .select_from(flags)
        .join(last, sa.and_(last.device_id == flags.c.device_id, last.seq == flags.c.version))
        .outerjoin(User, User.id == last.actor_id)
        .subquery()
    )
    return (
        sa.select(ranked)
        .where(ranked.c.position <= per_step)
        .order_by(ranked.c.step, ranked.c.position)
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
    flags = _workshop_flags()  # of the devices in the workshop only
    return Device.id.in_(sa.select(flags.c.device_id).where(_step(flags) == step))


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
