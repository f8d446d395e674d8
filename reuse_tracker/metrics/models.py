"""Factor sets as data, and the figures of a period kept with the set they were computed with."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse_tracker.db_types import JSONType, UTCDateTime, utcnow
from reuse_tracker.extensions import db


class FactorSet(db.Model):
    """A versioned, dated set of impact factors; the latest loaded is the one in use."""

    __tablename__ = "metrics_factor_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(60), unique=True)
    #: The date of the figures (the study's publication, or the city's decision).
    published_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(1000))
    #: The share of a new device's footprint that reuse avoids (substitution method).
    avoided_share: Mapped[float] = mapped_column(sa.Float, default=0.74)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    rows: Mapped[list[FactorRow]] = relationship(
        back_populates="factor_set", order_by="FactorRow.device_type", cascade="all"
    )

    def __repr__(self) -> str:
        return f"<FactorSet {self.version}>"


class FactorRow(db.Model):
    """The factors of one device type in one set."""

    __tablename__ = "metrics_factor_rows"
    __table_args__ = (sa.UniqueConstraint("factor_set_id", "device_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_set_id: Mapped[int] = mapped_column(sa.ForeignKey("metrics_factor_sets.id"))
    device_type: Mapped[str] = mapped_column(sa.String(16))
    new_device_kg_co2e: Mapped[float] = mapped_column(sa.Float)
    #: None: no published figure (derived from the share and the reference life).
    avoided_kg_co2e_per_year: Mapped[float | None] = mapped_column(sa.Float)
    typical_weight_kg: Mapped[float] = mapped_column(sa.Float)
    reference_life_years: Mapped[float] = mapped_column(sa.Float)
    source: Mapped[str] = mapped_column(sa.String(1000), default="")

    factor_set: Mapped[FactorSet] = relationship(back_populates="rows")


class PeriodFigures(db.Model):
    """The figures of a closed period, computed once with one factor set (until recomputed)."""

    __tablename__ = "metrics_period_figures"
    __table_args__ = (sa.UniqueConstraint("starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    factor_set_id: Mapped[int] = mapped_column(sa.ForeignKey("metrics_factor_sets.id"))
    #: The figures as the API answers them.
    figures: Mapped[dict] = mapped_column(JSONType)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    factor_set: Mapped[FactorSet] = relationship()
