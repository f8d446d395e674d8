"""The workshop's own records: the spare-parts stock, its movements, the diagnostic checklists."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse_tracker.db_types import JSONType, UTCDateTime, utcnow
from reuse_tracker.extensions import db

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User
    from reuse_tracker.devices.models import Device


class SparePart(db.Model):
    """One kind of part in stock (``RAM`` / ``DDR4 8 GB 2666 SO-DIMM``) and how many are left."""

    __tablename__ = "spare_parts"
    __table_args__ = (
        sa.UniqueConstraint("kind", "spec_key", name="uq_spare_parts_kind_spec_key"),
        sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ram, ssd, hdd, battery, charger, screen, keyboard or other.
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The specification as first typed: ``DDR4 8 GB 2666 SO-DIMM``.
    spec: Mapped[str] = mapped_column(sa.String(120))
    #: The specification folded (case, spaces), so the same part is one stock line.
    spec_key: Mapped[str] = mapped_column(sa.String(120))
    #: Never negative: taken only by a conditional UPDATE.
    quantity: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SparePart {self.kind} {self.spec} ×{self.quantity}>"


class PartMovement(db.Model):
    """One change of a stock line: parts harvested, installed or counted in."""

    __tablename__ = "part_movements"
    __table_args__ = (sa.Index("ix_part_movements_device_id_event_seq", "device_id", "event_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(sa.ForeignKey("spare_parts.id"), index=True)
    #: Positive into the stock, negative out of it.
    quantity: Mapped[int]
    #: harvest, install or adjustment.
    reason: Mapped[str] = mapped_column(sa.String(16))
    #: The machine the parts came from or went into, and the event of its history.
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))
    event_seq: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    part: Mapped[SparePart] = relationship()
    device: Mapped[Device | None] = relationship()
    actor: Mapped[User | None] = relationship()


class DiagnosticChecklist(db.Model):
    """The checks the workshop runs on one type of device (the built-in list otherwise)."""

    __tablename__ = "diagnostic_checklists"

    device_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    #: The names of the checks, in the order the form shows them.
    checks: Mapped[list] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class ScanBatchEntry(db.Model):
    """One device done by one batch of the scan station: a second scan records nothing."""

    __tablename__ = "scan_batch_entries"

    #: The key the scan station's page was served with; one per batch.
    batch_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    #: The event the batch recorded on this device.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("device_events.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EcoOrganisation(db.Model):
    """An éco-organisme or collector the WEEE pick-ups may name; coordinators edit the list.

    The built-in ones (``ecoorganisations.BUILT_IN``) need no row; a row adds another one, or
    withdraws a built-in one (``is_active`` false).
    """

    __tablename__ = "eco_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    #: The name folded (case, spaces, dashes): "Eco-systèmes" and "ecosystemes" are one.
    name_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
