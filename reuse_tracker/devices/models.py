"""The device and its append-only event log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from reuse_tracker.db_types import JSONType, UTCDateTime, append_only, byte_order, utcnow
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.extensions import db
from reuse_tracker.vocabulary import DeviceType, Grade

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User

#: The device types and grades, in the order pages list them.
DEVICE_TYPES = tuple(DeviceType)
GRADES = tuple(Grade)


class Device(db.Model):
    __tablename__ = "devices"
    __table_args__ = (
        sa.Index("ix_devices_donation_status", "donation_id", "status"),
        #: The oldest devices of a state first (the workshop board's queues).
        sa.Index("ix_devices_status_status_changed_at", "status", "status_changed_at", "id"),
        #: Devices' types looked up by id without reading the rows (a wave's devices by type).
        sa.Index("ix_devices_id_type", "id", "type"),
        #: The devices in the workshop by what they lack, the longest untouched first (the
        #: board's columns): only those devices are in it.
        sa.Index(
            "ix_devices_readiness_gap_last_event_at",
            "readiness_gap",
            "last_event_at",
            "id",
            sqlite_where=sa.text("readiness_gap IS NOT NULL"),
            postgresql_where=sa.text("readiness_gap IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Our inventory number, printed on the label: ``<PREFIX>-000001``.
    asset_tag: Mapped[str] = mapped_column(sa.String(32), unique=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(16))
    brand: Mapped[str] = mapped_column(sa.String(80))
    model: Mapped[str] = mapped_column(sa.String(120))
    serial: Mapped[str] = mapped_column(sa.String(80))
    #: Serial upper-cased without spaces or dashes, to find duplicates.
    #: One device per serial: the database refuses a second (a race between donations loses).
    serial_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: The donor's own inventory number, as printed on its asset register.
    donor_asset_number: Mapped[str | None] = mapped_column(sa.String(80))
    cpu: Mapped[str | None] = mapped_column(sa.String(120))
    ram_gb: Mapped[int | None]
    storage_gb: Mapped[int | None]
    year: Mapped[int | None]
    weight_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    #: The current state: a cache of the event log, which replays to it.
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.RECEIVED.value)
    #: Bumped by every action; a stale update is refused.
    version: Mapped[int] = mapped_column(default=1)
    #: Latest cosmetic grade and OS image, projected from ``grade`` events.
    grade: Mapped[str | None] = mapped_column(sa.String(1))
    os: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When its latest event happened (the log's last entry, kept by the action service).
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Of a device in the workshop, the first thing it lacks to be marked ready (the first of
    #: ``readiness.missing_codes``, "" when nothing); None out of the workshop. Kept by the
    #: action service with each event, so the board reads its columns from an index.
    readiness_gap: Mapped[str | None] = mapped_column(sa.String(24))

    # ``Device.donation`` is declared by the intake feature (Donation.devices' backref).
    events: WriteOnlyMapped[DeviceEvent] = relationship(
        back_populates="device", order_by="DeviceEvent.seq", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Device {self.asset_tag} {self.status}>"

    @property
    def label(self) -> str:
        return f"{self.brand} {self.model}".strip()


#: Characters a donor's inventory number may carry that do not tell two numbers apart.
_KEY_NOISE = (" ", "-", "_", ".", "/")


def folded_key(column, *, bound: bool = False):
    """Return SQL folding ``column`` as ``serial_key`` folds a serial (upper case, no noise).

    A query writes the characters into its SQL: it matches the expression index only when its
    expression is the index's own, constants included (bound parameters would not be). The
    index's own definition passes ``bound=True``: its DDL renders them as constants anyway.
    """
    expression = column
    for noise in _KEY_NOISE:
        if bound:
            expression = sa.func.replace(expression, noise, "")
        else:
            quoted = sa.literal_column(f"'{noise}'")
            expression = sa.func.replace(expression, quoted, sa.literal_column("''"))
    return sa.func.upper(expression)


_columns = Device.__table__.c
#: Finds a device by its donor's inventory number typed or scanned any way (scan station, list).
sa.Index(
    "ix_devices_donor_asset_key",
    folded_key(_columns.donor_asset_number, bound=True).label("donor_asset_key"),
    postgresql_ops={"donor_asset_key": "text_pattern_ops"},
)
#: The device list's search by model (prefix, any case) and its sort by model.
sa.Index("ix_devices_model_key", sa.func.upper(_columns.model))
#: The ready devices of a type and grade in the order a wave's proposal takes them (ready the
#: longest, then by tag): it reads as many as families wait, not the whole stock. It serves
#: the counts by state and type too (its first two columns).
sa.Index(
    "ix_devices_status_type_grade",
    _columns.status,
    _columns.type,
    _columns.grade,
    _columns.status_changed_at,
    byte_order(_columns.asset_tag),
)
#: PostgreSQL serves ``LIKE 'prefix%'`` from a btree only with the pattern operators (unless
#: the database collates as "C"); SQLite reads them (plain there) or the others by range.
for _name, _expression, _key in (
    ("ix_devices_asset_tag_pattern", _columns.asset_tag, "asset_tag"),
    ("ix_devices_serial_key_pattern", _columns.serial_key, "serial_key"),
    ("ix_devices_model_key_pattern", sa.func.upper(_columns.model).label("model_key"), "model_key"),
):
    sa.Index(_name, _expression, postgresql_ops={_key: "text_pattern_ops"})


class DeviceEvent(db.Model):
    """One action performed on a device; written by the action service only, never changed."""

    __tablename__ = "device_events"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "seq", name="uq_device_events_device_seq"),
        sa.Index("ix_device_events_action_created_at", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"))
    #: Position in the device's log, 1 for intake; equal to the device version it produced.
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(32))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    #: The action's validated fields.
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    device: Mapped[Device] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DeviceEvent {self.device_id}#{self.seq} {self.action}>"


class DeviceCount(db.Model):
    """How many devices are in a state, per type (``devices/counts.py`` keeps it)."""

    __tablename__ = "device_counts"

    status: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a device event."""


append_only(DeviceEvent, AppendOnlyError, "device events are append-only")


@orm_event.listens_for(sa.orm.Session, "do_orm_execute")
def _refuse_bulk_change(state):
    if (state.is_update or state.is_delete) and _targets_events(state.statement):
        raise AppendOnlyError("device events are append-only")


def _targets_events(statement) -> bool:
    table = getattr(statement, "table", None)
    return table is not None and getattr(table, "name", None) == "device_events"


class LabelBatch(db.Model):
    """A run of blank labels printed ahead of a pick-up, each with a reserved tag."""

    __tablename__ = "label_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    first_tag: Mapped[str] = mapped_column(sa.String(32))
    last_tag: Mapped[str] = mapped_column(sa.String(32))
    count: Mapped[int]

    created_by: Mapped[User | None] = relationship()


class PreprintedTag(db.Model):
    """A tag reserved on a pre-printed label; a device takes it at intake."""

    __tablename__ = "preprinted_tags"

    tag: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("label_batches.id"), index=True)
