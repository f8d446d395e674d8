"""The WEEE (DEEE) side: plausible weights, waste codes, and the chronological waste register.

Waste codes (European List of Waste, decision 2000/532/EC, annex II of art. R541-8 of the French
environment code). The machines come from companies and institutions and stay the programme's
property while lent, so they are professional waste (chapter 16 02), not household waste
(20 01 35* / 20 01 36):
- 16 02 13* "discarded equipment containing hazardous components": laptops, tablets and
  smartphones (lithium batteries, LCD panels whose older backlights hold mercury) and monitors
  (flat panels; CRT glass);
- 16 02 14 "discarded equipment other than 16 02 09 to 16 02 13": desktop units (no screen, no
  battery but a coin cell).

The register follows the arrêté du 31 mai 2021 (registre chronologique des déchets sortants):
date of removal, usual designation, waste code, quantity in tonnes, treatment code (R),
éco-organisme or collector, pick-up reference (bordereau); one line per device, then a total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from reuse_tracker import csv_export
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import lazy_gettext as _l

#: The heaviest device of each type we accept (kg); a heavier one is a typing error.
MAX_WEIGHT_KG = {"laptop": 6.0, "tablet": 2.0, "smartphone": 0.6, "desktop": 25.0, "monitor": 30.0}
DEFAULT_MAX_WEIGHT_KG = 50.0
WASTE_CODES = {
    "laptop": "16 02 13*",
    "tablet": "16 02 13*",
    "smartphone": "16 02 13*",
    "monitor": "16 02 13*",
    "desktop": "16 02 14",
}
DESIGNATIONS = {
    "laptop": _l("WEEE — laptop computers"),
    "tablet": _l("WEEE — tablets"),
    "smartphone": _l("WEEE — smartphones"),
    "monitor": _l("WEEE — flat-panel monitors"),
    "desktop": _l("WEEE — desktop computer units"),
}
BOM = csv_export.BOM
#: Devices read per query while the register streams.
BATCH = 1000


def max_weight_kg(device_type: str) -> float:
    """Return the heaviest plausible weight of a device of this type."""
    return MAX_WEIGHT_KG.get(device_type, DEFAULT_MAX_WEIGHT_KG)


def tonnes(kg: Decimal) -> str:
    """Write kilograms as tonnes with a decimal comma: 1.6 kg → ``0,00160``."""
    return f"{kg / 1000:.5f}".replace(".", ",")


def header() -> list[str]:
    return [
        _("Date of removal"),
        _("Waste designation"),
        _("Waste code"),
        _("Quantity (t)"),
        _("Treatment code"),
        _("Eco-organisation or collector"),
        _("Pick-up reference"),
        _("Asset tag"),
        _("Device"),
        _("Weight (kg)"),
    ]


def register_chunks(
    start: date,
    end: date,
    zone: ZoneInfo,
    context: Callable[[], AbstractContextManager],
    batch: int | None = None,
) -> Iterator[str]:
    """Yield the register as CSV text, BOM first and total last, ``batch`` devices at a time.

    Each batch is its own keyset query run inside ``context()`` (an application context): no
    cursor or transaction stays open between two chunks of a long download.
    """
    batch = batch or BATCH
    total, count, after = Decimal(0), 0, None
    with context():
        first = BOM + _csv_line(header())
    yield first
    while True:
        with context():
            rows = db.session.execute(_removals(start, end, zone, after).limit(batch)).all()
            lines = [_line(row, zone) for row in rows]
        weights = [Decimal(str(row.payload.get("weight_kg") or 0)) for row in rows]
        total, count = total + sum(weights, Decimal(0)), count + len(rows)
        if lines:
            yield "".join(_csv_line(line) for line in lines)
        if len(rows) < batch:
            break
        after = (rows[-1].sort_key, rows[-1].id)
    with context():
        last = _total_line(count, total)
    yield last


def _total_line(count: int, total: Decimal) -> str:
    kg = f"{total:.2f}".replace(".", ",")
    cells = [_("Total"), _("%(n)s devices", n=count), "", tonnes(total), *[""] * 5, kg]
    return _csv_line(cells)


def _line(row: sa.Row, zone: ZoneInfo) -> list[str]:
    payload = row.payload
    weight = Decimal(str(payload.get("weight_kg") or 0))
    removed = payload.get("collected_on") or row.created_at.astimezone(zone).date().isoformat()
    return [
        removed,
        str(DESIGNATIONS.get(row.type, row.type)),
        WASTE_CODES.get(row.type, ""),
        tonnes(weight),
        payload.get("treatment") or "",
        payload.get("channel") or "",
        payload.get("reference") or "",
        row.asset_tag,
        f"{row.brand} {row.model}".strip(),
        f"{weight:.2f}".replace(".", ","),
    ]


def _removals(start: date, end: date, zone: ZoneInfo, after: tuple | None) -> sa.Select:
    """The recycle events whose pick-up date (else their own date) falls in the period."""
    collected = DeviceEvent.payload["collected_on"].as_string()
    begins = datetime.combine(start, time(), zone).astimezone(UTC)
    ends = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    in_period = sa.or_(
        collected.between(start.isoformat(), end.isoformat()),
        sa.and_(
            collected.is_(None), DeviceEvent.created_at >= begins, DeviceEvent.created_at < ends
        ),
    )
    sort_key = sa.func.coalesce(collected, "")
    statement = (
        sa.select(
            DeviceEvent.id,
            sort_key.label("sort_key"),
            DeviceEvent.payload,
            DeviceEvent.created_at,
            Device.asset_tag,
            Device.type,
            Device.brand,
            Device.model,
        )
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(DeviceEvent.action == "recycle", in_period)
        .order_by(sort_key, DeviceEvent.id)
    )
    if after is not None:
        statement = statement.where(sa.tuple_(sort_key, DeviceEvent.id) > after)
    return statement


def _csv_line(cells: list[str]) -> str:
    return csv_export.line(cells)
