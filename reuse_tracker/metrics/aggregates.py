"""The programme's figures as SQL aggregates over loans, devices and events (fixed query count).

Every function runs one grouped query whatever the data size; Python only folds the few
grouped rows (by device type, wave, school or month) that come back. A period is a range of
the programme's dates, ``start`` to ``end`` included: from the moment ``start`` begins in the
programme's zone to the moment the day after ``end`` begins; nothing counts after now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from reuse_tracker import clock
from reuse_tracker.db_types import UTCDateTime
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Family, Loan, School, Wave
from reuse_tracker.vocabulary import LoanStatus
from reuse_tracker.workshop.models import PartMovement

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Period:
    """A range of the programme's dates and the moments it spans (capped at now)."""

    start: date
    end: date

    @property
    def begins(self) -> datetime:
        return clock.start_of(self.start)

    @property
    def ends(self) -> datetime:
        return clock.start_of(self.end + timedelta(days=1))

    @property
    def cap(self) -> datetime:
        """The period's end, or now if the period is not over."""
        return min(self.ends, max(self.begins, clock.now()))

    @property
    def elapsed_days(self) -> float:
        return (self.cap - self.begins).total_seconds() / 86400


def school_year(day: date) -> Period:
    """Return the school year (1 September to 31 August) that holds ``day``."""
    first = day.year if day.month >= 9 else day.year - 1
    return Period(date(first, 9, 1), date(first + 1, 8, 31))


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def moment(value: datetime) -> sa.BindParameter:
    return sa.bindparam(None, value, type_=UTCDateTime)


def days_between(later: Any, earlier: Any) -> sa.ColumnElement:
    """Days (with fractions) from ``earlier`` to ``later``, on either database."""
    if _postgres():
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def greatest(a: Any, b: Any) -> sa.ColumnElement:
    return sa.func.greatest(a, b) if _postgres() else sa.func.max(a, b)


def least(a: Any, b: Any) -> sa.ColumnElement:
    return sa.func.least(a, b) if _postgres() else sa.func.min(a, b)


def month_of(column: Any) -> sa.ColumnElement:
    """The UTC month of a moment, ``YYYY-MM``."""
    if _postgres():
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _within(column: Any, period: Period) -> sa.ColumnElement:
    return sa.and_(column >= moment(period.begins), column < moment(period.cap))


def count_if(condition: sa.ColumnElement) -> sa.ColumnElement:
    """Count the rows where ``condition`` holds (0 when none)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def equipped_condition(period: Period) -> sa.ColumnElement:
    """A loan that equipped its family during the period (a given device stays equipping)."""
    return sa.and_(
        Loan.handed_over_at.is_not(None),
        Loan.handed_over_at < moment(period.cap),
        sa.or_(
            Loan.closed_at.is_(None),
            Loan.closed_at >= moment(period.begins),
            Loan.status == LoanStatus.TRANSFERRED,
        ),
    )


def held_at(moment_value: datetime) -> sa.ColumnElement:
    """A loan whose device was with its family at ``moment_value``."""
    at = moment(moment_value)
    return sa.and_(
        Loan.handed_over_at.is_not(None),
        Loan.handed_over_at <= at,
        sa.or_(Loan.closed_at.is_(None), Loan.closed_at > at),
    )


def loans_by_type(period: Period) -> dict[str, dict[str, float]]:
    """Loans started, re-loans, returns, lost, transferred, on loan and years of use, by type."""
    earlier = aliased(Loan)
    re_loan = (
        sa.select(earlier.id)
        .where(
            earlier.device_id == Loan.device_id,
            earlier.handed_over_at.is_not(None),
            earlier.handed_over_at < Loan.handed_over_at,
        )
        .exists()
    )
    started = _within(Loan.handed_over_at, period)
    closed = _within(Loan.closed_at, period)
    until = least(sa.func.coalesce(Loan.closed_at, moment(period.cap)), moment(period.cap))
    since = greatest(Loan.handed_over_at, moment(period.begins))
    in_period = sa.and_(Loan.handed_over_at < moment(period.cap), until > moment(period.begins))
    years = sa.case((in_period, days_between(until, since)), else_=0) / DAYS_PER_YEAR
    rows = db.session.execute(
        sa.select(
            Device.type,
            count_if(started).label("loans_started"),
            count_if(sa.and_(started, re_loan)).label("re_loans"),
            count_if(sa.and_(closed, Loan.status == LoanStatus.RETURNED)).label("returns"),
            count_if(sa.and_(closed, Loan.status == LoanStatus.LOST)).label("lost"),
            count_if(sa.and_(closed, Loan.status == LoanStatus.TRANSFERRED)).label("transferred"),
            count_if(held_at(period.cap)).label("devices_on_loan"),
            sa.func.coalesce(sa.func.sum(years), 0).label("years_on_loan"),
        )
        .join(Device, Device.id == Loan.device_id)
        .where(Loan.handed_over_at.is_not(None))
        .group_by(Device.type)
    )
    return {row.type: dict(row._mapping) for row in rows}


def reused_by_type(period: Period) -> dict[str, dict[str, float]]:
    """Devices handed over in the period (each once), their recorded kg and those without."""
    reused = (
        sa.select(Loan.device_id).where(_within(Loan.handed_over_at, period)).distinct().subquery()
    )
    rows = db.session.execute(
        sa.select(
            Device.type,
            sa.func.count().label("reused"),
            sa.func.coalesce(sa.func.sum(Device.weight_kg), 0).label("recorded_kg"),
            count_if(Device.weight_kg.is_(None)).label("without_weight"),
        )
        .join(reused, reused.c.device_id == Device.id)
        .group_by(Device.type)
    )
    return {row.type: dict(row._mapping) for row in rows}


def devices_by_type(period: Period) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Return the stock now {status: {type: n}} and the devices received in the period by type."""
    rows = db.session.execute(
        sa.select(
            Device.status,
            Device.type,
            sa.func.count(),
            count_if(_within(Device.created_at, period)),
        ).group_by(Device.status, Device.type)
    )
    stock: dict[str, dict[str, int]] = {}
    received: dict[str, int] = {}
    for status, kind, count, new in rows:
        stock.setdefault(status, {})[kind] = count
        received[kind] = received.get(kind, 0) + int(new)
    return stock, received


def events_by_type(period: Period) -> dict[str, dict[str, float]]:
    """Harvested, recycled (and their kg), made ready, and disposed of without a life, by type."""
    action = DeviceEvent.action
    ever_lent = (
        sa.select(Loan.id)
        .where(Loan.device_id == DeviceEvent.device_id, Loan.handed_over_at.is_not(None))
        .exists()
    )
    disposal = sa.and_(action.in_(("harvest", "recycle")), ~ever_lent)
    weight = DeviceEvent.payload["weight_kg"].as_float()

    def distinct_devices(condition: sa.ColumnElement) -> sa.ColumnElement:
        return sa.func.count(sa.distinct(sa.case((condition, DeviceEvent.device_id))))

    rows = db.session.execute(
        sa.select(
            Device.type,
            distinct_devices(action == "harvest").label("harvested"),
            distinct_devices(action == "recycle").label("recycled"),
            sa.func.coalesce(sa.func.sum(sa.case((action == "recycle", weight), else_=0)), 0).label(
                "kg_weee"
            ),
            count_if(action == "mark_ready").label("made_ready"),
            distinct_devices(disposal).label("disposed_unused"),
        )
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(
            action.in_(("harvest", "recycle", "mark_ready")),
            _within(DeviceEvent.created_at, period),
        )
        .group_by(Device.type)
    )
    return {row.type: dict(row._mapping) for row in rows}


def parts(period: Period) -> tuple[int, int]:
    """Return (parts harvested, parts installed) in the period, dated by their device's event."""
    quantity = PartMovement.quantity
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((PartMovement.reason == "harvest", quantity))), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((PartMovement.reason == "install", -quantity))), 0
            ),
        )
        .join(
            DeviceEvent,
            sa.and_(
                DeviceEvent.device_id == PartMovement.device_id,
                DeviceEvent.seq == PartMovement.event_seq,
            ),
        )
        .where(_within(DeviceEvent.created_at, period))
    ).one()
    return int(row[0]), int(row[1])


def median_days_to_family(period: Period) -> float | None:
    """The median days from intake to a first family, over first hand-overs in the period."""
    first = (
        sa.select(Loan.device_id, sa.func.min(Loan.handed_over_at).label("first"))
        .where(Loan.handed_over_at.is_not(None))
        .group_by(Loan.device_id)
        .subquery()
    )
    days = days_between(first.c.first, Device.created_at)
    ranked = (
        sa.select(
            days.label("days"),
            sa.func.row_number().over(order_by=days).label("rank"),
            sa.func.count().over().label("total"),
        )
        .join(first, first.c.device_id == Device.id)
        .where(_within(first.c.first, period))
        .subquery()
    )
    middle = sa.or_(
        ranked.c.rank == (ranked.c.total + 1) / 2, ranked.c.rank == (ranked.c.total + 2) / 2
    )
    value = db.session.scalar(sa.select(sa.func.avg(ranked.c.days)).where(middle))
    return None if value is None else round(float(value), 1)


def families_by_school(period: Period) -> list[dict[str, Any]]:
    """Families equipped and loans started in the period, by school (None: no school)."""
    rows = db.session.execute(
        sa.select(
            School.id,
            School.name,
            School.uai,
            School.network,
            School.neighbourhood,
            School.is_priority_neighbourhood,
            sa.func.count(sa.distinct(sa.case((equipped_condition(period), Loan.family_id)))),
            count_if(_within(Loan.handed_over_at, period)),
        )
        .select_from(Loan)
        .join(Family, Family.id == Loan.family_id)
        .outerjoin(School, School.id == Family.school_id)
        .where(Loan.handed_over_at.is_not(None))
        .group_by(School.id)
        .order_by(School.name)
    )
    keys = ("id", "name", "uai", "network", "neighbourhood", "is_qpv", "families_equipped")
    return [dict(zip((*keys, "loans_started"), row, strict=True)) for row in rows]


def families_equipped(period: Period) -> tuple[int, int]:
    """Return the families equipped during the period, and those equipped at its end."""
    row = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(sa.case((equipped_condition(period), Loan.family_id)))),
            sa.func.count(sa.distinct(sa.case((held_or_given(period.cap), Loan.family_id)))),
        ).where(Loan.handed_over_at.is_not(None))
    ).one()
    return int(row[0]), int(row[1])


def held_or_given(at: datetime) -> sa.ColumnElement:
    """A loan whose device was with its family at ``at``, lent or given."""
    given = sa.and_(Loan.status == LoanStatus.TRANSFERRED, Loan.handed_over_at <= moment(at))
    return sa.or_(held_at(at), given)


def by_wave(period: Period) -> list[dict[str, Any]]:
    """Every wave with its targets, families equipped, loans started and devices on loan."""
    counts = (
        sa.select(
            Loan.wave_id,
            sa.func.count(sa.distinct(sa.case((equipped_condition(period), Loan.family_id)))).label(
                "families_equipped"
            ),
            count_if(_within(Loan.handed_over_at, period)).label("loans_started"),
            count_if(held_at(period.cap)).label("devices_on_loan"),
            count_if(Loan.handed_over_at.is_not(None)).label("handed_over"),
        )
        .group_by(Loan.wave_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Wave.id, Wave.name, Wave.starts_on, Wave.ends_on, Wave.targets, counts)
        .outerjoin(counts, counts.c.wave_id == Wave.id)
        .order_by(Wave.starts_on, Wave.id)
    )
    waves = []
    for row in rows:
        targets = dict(row.targets or {})
        waves.append(
            {
                "id": row.id,
                "name": row.name,
                "starts_on": row.starts_on.isoformat(),
                "ends_on": row.ends_on.isoformat() if row.ends_on else None,
                "targets": targets,
                "target": sum(targets.values()),
                "families_equipped": int(row.families_equipped or 0),
                "loans_started": int(row.loans_started or 0),
                "devices_on_loan": int(row.devices_on_loan or 0),
                "handed_over": int(row.handed_over or 0),
            }
        )
    return waves


def first_equipped_by_month(period: Period) -> list[list]:
    """Return (month, families equipped for the first time) up to the period's end."""
    first = (
        sa.select(sa.func.min(Loan.handed_over_at).label("first"))
        .where(Loan.handed_over_at.is_not(None), Loan.handed_over_at < moment(period.cap))
        .group_by(Loan.family_id)
        .subquery()
    )
    month = month_of(first.c.first)
    rows = db.session.execute(sa.select(month, sa.func.count()).group_by(month).order_by(month))
    return [[str(m), int(n)] for m, n in rows]


def monthly(period: Period) -> dict[str, dict[str, int]]:
    """Loans started and returns, by month of the period (one query over loans)."""
    started, returned = month_of(Loan.handed_over_at), month_of(Loan.returned_at)
    starts = sa.select(started.label("month"), sa.literal("loans_started").label("what")).where(
        _within(Loan.handed_over_at, period)
    )
    returns = sa.select(returned.label("month"), sa.literal("returns").label("what")).where(
        _within(Loan.returned_at, period)
    )
    received = sa.select(
        month_of(Device.created_at).label("month"), sa.literal("devices_received").label("what")
    ).where(_within(Device.created_at, period))
    recycled = sa.select(
        month_of(DeviceEvent.created_at).label("month"),
        sa.literal("devices_recycled").label("what"),
    ).where(DeviceEvent.action == "recycle", _within(DeviceEvent.created_at, period))
    union = sa.union_all(starts, returns, received, recycled).subquery()
    rows = db.session.execute(
        sa.select(union.c.month, union.c.what, sa.func.count()).group_by(
            union.c.month, union.c.what
        )
    )
    table: dict[str, dict[str, int]] = {}
    for month, what, count in rows:
        table.setdefault(str(month), {})[what] = int(count)
    return dict(sorted(table.items()))
