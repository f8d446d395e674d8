"""The WEEE register on screen: the pick-ups of a period, their weights and monthly tonnes.

It reads the same recycle events, in the same order, as the CSV export (``weee.py``), so the
page and the file always agree; the page adds the totals by month.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from reuse_tracker.extensions import db
from reuse_tracker.workshop import weee


@dataclass(frozen=True)
class PickUp:
    """One device removed as waste, as a line of the register."""

    removed_on: date
    designation: str
    waste_code: str
    weight_kg: Decimal
    treatment: str
    channel: str
    reference: str
    asset_tag: str
    device: str


@dataclass(frozen=True)
class Register:
    pick_ups: list[PickUp]
    #: (first day of the month, devices, kilograms), in month order.
    months: list[tuple[date, int, Decimal]]
    total_kg: Decimal


def register(start: date, end: date, zone: ZoneInfo) -> Register:
    """Return the register of the period (one query), with its totals by month."""
    rows = db.session.execute(weee._removals(start, end, zone, None)).all()
    pick_ups = [_pick_up(row, zone) for row in rows]
    months: OrderedDict[date, list] = OrderedDict()
    for pick_up in sorted(pick_ups, key=lambda p: p.removed_on):
        month = pick_up.removed_on.replace(day=1)
        entry = months.setdefault(month, [0, Decimal(0)])
        entry[0] += 1
        entry[1] += pick_up.weight_kg
    total = sum((p.weight_kg for p in pick_ups), Decimal(0))
    return Register(pick_ups, [(m, n, kg) for m, (n, kg) in months.items()], total)


def _pick_up(row, zone: ZoneInfo) -> PickUp:
    payload = row.payload
    collected = payload.get("collected_on")
    removed = date.fromisoformat(collected) if collected else row.created_at.astimezone(zone).date()
    return PickUp(
        removed_on=removed,
        designation=str(weee.DESIGNATIONS.get(row.type, row.type)),
        waste_code=weee.WASTE_CODES.get(row.type, ""),
        weight_kg=Decimal(str(payload.get("weight_kg") or 0)),
        treatment=payload.get("treatment") or "",
        channel=payload.get("channel") or "",
        reference=payload.get("reference") or "",
        asset_tag=row.asset_tag,
        device=f"{row.brand} {row.model}".strip(),
    )


def tonnes(kg: Decimal) -> Decimal:
    """Kilograms as tonnes, to the kilogram (three decimals)."""
    return (kg / 1000).quantize(Decimal("0.001"))
