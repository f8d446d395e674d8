"""Donors and their donations (intake batches)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, backref, mapped_column, relationship

from reuse_tracker.db_types import JSONType, UTCDateTime, utcnow
from reuse_tracker.extensions import db

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User
    from reuse_tracker.devices.models import Device

DONOR_KINDS = ("company", "public_body", "association", "individual")


class Donor(db.Model):
    __tablename__ = "donors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="company")
    #: French company number (14 digits, Luhn-checked); none for bodies without one.
    siret: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.Text)
    #: The language of its portal and documents ("fr", "en"; None: the programme's).
    language: Mapped[str | None] = mapped_column(sa.String(8))
    #: Hash of the secret of the donor's portal link (None: no live link).
    portal_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donations: Mapped[list[Donation]] = relationship(
        back_populates="donor", order_by="Donation.received_on.desc()"
    )

    def __repr__(self) -> str:
        return f"<Donor {self.name}>"


class Donation(db.Model):
    """One intake batch from a donor."""

    __tablename__ = "donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``DON-<year>-<number>``, numbered per year of receipt.
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), index=True)
    received_on: Mapped[date] = mapped_column(index=True)
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donor: Mapped[Donor] = relationship(back_populates="donations")
    received_by: Mapped[User | None] = relationship()
    #: Declares ``Device.donation`` too, so that the core never imports this feature.
    devices: WriteOnlyMapped[Device] = relationship(
        backref=backref("donation", lazy="select"), order_by="Device.asset_tag"
    )

    def __repr__(self) -> str:
        return f"<Donation {self.reference}>"


class DonorImportMapping(db.Model):
    """How a donor's asset-manager export reads: its columns and its category values."""

    __tablename__ = "donor_import_mappings"

    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), primary_key=True)
    #: our field → the file's column header.
    columns: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: the file's type value, normalised → our device type.
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
