"""A small programme whose every figure is computed by hand (see ``test_figures.py``).

Times are UTC at 10:00, so each is on the same day in Paris. The period is the autumn of the
2026-27 school year, 1 September to 31 December 2026 (Paris), seen from 15 January 2027:

- D1 laptop 2.00 kg, received 10 Sept; lent to F1 20 Sept, back (good) 20 Oct, a RAM stick
  installed 10 Nov, lent again to F2 20 Nov: a device lent twice;
- D2 laptop 1.50 kg, received 10 Sept; lent to F3 25 Sept, back broken 25 Oct, recycled
  (1.4 kg weighed) 5 Nov;
- D3 desktop, received 10 Sept; harvested (2 RAM sticks) 1 Oct, recycled (6.0 kg) 15 Oct;
- D4 tablet without a recorded weight, received 10 Sept; lent to F4 10 Oct;
- D5 laptop 2.20 kg, received 1 May 2026; lent to F0 1 June 2026: a loan spanning the start.

S1 is REP+ in Bellevue (QPV), S2 is REP in Nantes Nord; F0, F1, F2 go to S1, F3 and F4 to S2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake import services as intake
from reuse_tracker.loans import families, programme
from reuse_tracker.loans.uai import check_letter
from reuse_tracker.metrics.aggregates import Period
from tests.api.conftest import api  # noqa: F401  (the API callers' fixture, shared)
from tests.conftest import WORKSHOP_PATH

PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31))
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
READY_PATH = [*WORKSHOP_PATH, ("grade", {"grade": "A"}), ("mark_ready", {})]


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def _uai(number: int) -> str:
    digits = f"04497{number:02d}"
    return digits + check_letter(digits)


@dataclass
class Scenario:
    devices: dict[str, Device]
    families: dict[str, Any]
    schools: dict[str, Any]
    wave: Any
    association: Any = None


def _act(device: Device, when: datetime, *steps: tuple[str, dict[str, Any]]) -> None:
    with clock.freeze(when):
        for action, data in steps:
            services.perform(device, action, data, actor=None)
        db.session.commit()


def _receive(name: str, kind: str, when: datetime, weight: str | None) -> Device:
    row = {"type": kind, "brand": "Dell", "model": "Latitude", "serial": f"SN-{name}"}
    if weight:
        row["weight_kg"] = weight
    with clock.freeze(when):
        donation = intake.register_donation(
            {"name": "Société Exemple"}, when.date(), [row], actor=None
        )
        db.session.commit()
    return db.session.scalar(sa.select(Device).where(Device.donation_id == donation.id))


def _lend(device: Device, family: Any, wave: Any, when: datetime) -> None:
    reserve = {"family": family.reference, "wave": wave.id}
    hand_over = {"charter_signed_on": when.date().isoformat()}
    _act(device, when, ("reserve", reserve), ("hand_over", hand_over))


@pytest.fixture
def scenario(app_ctx) -> Scenario:
    with clock.freeze(at(4, 1)):
        s1 = programme.create_school(
            {
                "name": "École Bellevue",
                "uai": _uai(1),
                "network": "REP+",
                "neighbourhood": "Bellevue",
                "is_priority_neighbourhood": True,
            }
        )
        s2 = programme.create_school(
            {
                "name": "École Nord",
                "uai": _uai(2),
                "network": "REP",
                "neighbourhood": "Nantes Nord",
                "is_priority_neighbourhood": False,
            }
        )
        wave = programme.create_wave(
            {
                "name": "Vague test",
                "starts_on": date(2026, 5, 1),
                "targets": {"laptop": 5, "tablet": 1},
                "schools": [s1.id, s2.id],
            }
        )
        association = programme.create_association({"name": "Association Exemple"})
        people = {}
        for name, school, kind in (
            ("F0", s1, "laptop"),
            ("F1", s1, "laptop"),
            ("F2", s1, "laptop"),
            ("F3", s2, "laptop"),
            ("F4", s2, "tablet"),
        ):
            people[name] = families.create_family(
                {
                    "wave": wave.id,
                    "school": school.id,
                    "device_type": kind,
                    "child_class": "CM1",
                    "association": association.id,
                },
                None,
            )
        db.session.commit()
    d5 = _receive("D5", "laptop", at(5, 1), "2.20")
    _act(d5, at(5, 10), *READY_PATH)
    _lend(d5, people["F0"], wave, at(6, 1))
    d1 = _receive("D1", "laptop", at(9, 10), "2.00")
    d2 = _receive("D2", "laptop", at(9, 10), "1.50")
    d3 = _receive("D3", "desktop", at(9, 10), None)
    d4 = _receive("D4", "tablet", at(9, 10), None)
    for device in (d1, d2, d4):
        _act(device, at(9, 15), *READY_PATH)
    _lend(d1, people["F1"], wave, at(9, 20))
    _lend(d2, people["F3"], wave, at(9, 25))
    _act(d3, at(10, 1), ("harvest", {"parts": "ram; DDR4 8 GB; 2"}))
    _lend(d4, people["F4"], wave, at(10, 10))
    _act(d3, at(10, 15), ("recycle", {"weight_kg": "6.0", "channel": "ecosystem"}))
    _act(d1, at(10, 20), ("return", {"condition": "good"}))
    _act(d2, at(10, 25), ("return", {"condition": "broken"}))
    _act(d2, at(11, 5), ("recycle", {"weight_kg": "1.4", "channel": "ecosystem"}))
    _act(
        d1,
        at(11, 10),
        ("start_reconditioning", {}),
        ("install_part", {"kind": "ram", "spec": "DDR4 8 GB"}),
        *READY_PATH[1:],
    )
    _lend(d1, people["F2"], wave, at(11, 20))
    return Scenario(
        {"D1": d1, "D2": d2, "D3": d3, "D4": d4, "D5": d5},
        people,
        {"S1": s1, "S2": s2},
        wave,
        association,
    )
