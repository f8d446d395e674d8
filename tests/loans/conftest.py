"""Fixtures of the loans feature: schools, waves, families, and devices at any point of a loan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from itertools import count

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import counts, services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.loans import families, programme
from reuse_tracker.loans.models import Association, School
from reuse_tracker.loans.uai import check_letter
from tests.api.conftest import api  # noqa: F401  (the API callers' fixture, shared)
from tests.conftest import WORKSHOP_PATH

#: A parent's name no page may show to the workshop or to viewers.
PARENT = "Zéphyrine Quatremare"
PHONE = "06 39 98 12 34"
EMAIL = "zephyrine.q@courriel.example"
TODAY = clock.today().isoformat()

#: The data each loan action takes in these tests (``reserve`` gets its family and wave).
ACTION_DATA = {
    "cancel_reservation": {"reason": "Famille injoignable"},
    "hand_over": {"charter_signed_on": TODAY},
    "return": {"condition": "good"},
    "report_lost": {"circumstances": "Vol"},
    "transfer": {"decision": "Décision 2021-06"},
}


def proposed_pairs(html: str) -> list[tuple[str, str]]:
    """Return the (family, asset tag) pairs a wave's page proposes, as its table lists them."""
    return re.findall(
        r'<tr><td class="mono">([A-Z0-9-]+)</td>\s*<td class="mono"><a href="[^"]*">([^<]+)</a>',
        html,
    )


def confirmation(html: str) -> dict[str, str]:
    """Return what a wave page's confirmation form sends: the proposal seen, not its pairs."""
    form = re.search(r'<form[^>]*action="[^"]*/allocate">(.*?)</form>', html, re.S).group(1)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))


def uai(number: int) -> str:
    digits = f"04498{number:02d}"
    return digits + check_letter(digits)


@pytest.fixture
def make_school(app_ctx):
    numbers = count(1)

    def make(**fields):
        number = next(numbers)
        data = {
            "name": f"École fictive n° {number}",
            "uai": uai(number),
            "network": "REP+",
            "neighbourhood": "Bellevue",
            **fields,
        }
        school = programme.create_school(data)
        db.session.commit()
        return school

    return make


@pytest.fixture
def make_association(app_ctx):
    numbers = count(1)

    def make(name: str | None = None):
        association = programme.create_association({"name": name or f"Asso {next(numbers)}"})
        db.session.commit()
        return association

    return make


@pytest.fixture
def make_wave(app_ctx):
    numbers = count(1)

    def make(targets=None, schools=(), starts_on: date = date(2031, 9, 1), is_open=True, name=None):
        wave = programme.create_wave(
            {
                "name": name or f"Vague {next(numbers)}",
                "starts_on": starts_on,
                "targets": targets or {"laptop": 10},
                "schools": [s.id for s in schools],
            }
        )
        wave.is_open = is_open
        db.session.commit()
        return wave

    return make


def _referral_of(wave, school, association):
    """Complete a referral to a wave's waiting list: a school of the wave and an association."""
    if school is None:
        school = wave.schools[0] if wave.schools else _fixture_school()
    if association is None:
        association = db.session.scalar(
            sa.select(Association).where(Association.name == FIXTURE_ASSOCIATION)
        ) or programme.create_association({"name": FIXTURE_ASSOCIATION})
    return school, association


#: The association of families whose test names none.
FIXTURE_ASSOCIATION = "Association des tests (fictive)"


def _fixture_school():
    number = 90 + db.session.scalar(sa.select(sa.func.count(School.id))) % 10
    return programme.create_school({"name": f"École des tests n° {number}", "uai": uai(number)})


@pytest.fixture
def make_family(app_ctx):
    def make(
        wave=None,
        school=None,
        device_type="laptop",
        referred_on=None,
        contact=True,
        association=None,
        **fields,
    ):
        if wave is not None:
            school, association = _referral_of(wave, school, association)
        data = {
            "wave": wave.id if wave else None,
            "school": school.id if school else None,
            "device_type": device_type,
            "child_class": "CM1",
            "association": association.id if association else None,
            "referred_on": referred_on,
        }
        if contact:
            data.update(
                parent_name=PARENT,
                phone=PHONE,
                email=EMAIL,
                address="3 rue des Exemples (fictive), 44100 Nantes",
                consent=True,
            )
        data.update(fields)
        family = families.create_family(data, None)
        db.session.commit()
        return family

    return make


@pytest.fixture
def ready_device(make_donation):
    """Return a ready device of ``type`` graded ``grade``."""

    def make(type: str = "laptop", grade: str = "A"):
        donation = make_donation(1, type=type)
        device = db.session.scalar(sa.select(Device).where(Device.donation_id == donation.id))
        for action, data in [*WORKSHOP_PATH, ("grade", {"grade": grade}), ("mark_ready", {})]:
            services.perform(device, action, data, actor=None)
        db.session.commit()
        return device

    return make


@pytest.fixture
def ready_stock(make_donation):
    """Return ``number`` ready devices of ``type`` at once, for lists and proposals at scale.

    Their state, grade and time ready are written directly (as ``benchmarks/generate.py``
    does, without an event log); ``grades``, ``since`` and ``tags`` go device by device
    (cycled), ``tags`` renaming them as pre-printed labels would.
    """

    def make(
        number: int,
        type: str = "laptop",
        grades: Sequence[str | None] = ("A",),
        since: Sequence[datetime] = (datetime(2026, 11, 3, 9, tzinfo=UTC),),
        tags: Sequence[str] = (),
    ) -> list[Device]:
        if not number:
            return []
        donation = make_donation(number, type=type)
        devices = db.session.scalars(
            sa.select(Device).where(Device.donation_id == donation.id).order_by(Device.id)
        ).all()
        for position, device in enumerate(devices):
            device.status = "ready"
            device.grade = grades[position % len(grades)]
            device.status_changed_at = since[position % len(since)]
            if position < len(tags):
                device.asset_tag = tags[position]
        counts.adjust({("received", type): -number, ("ready", type): number})
        db.session.commit()
        return list(devices)

    return make


@pytest.fixture
def device_in(make_device, ready_device, make_wave, make_family):
    """Return (device, family, wave) with the device in ``status``, through real actions."""

    def make(status: str):
        wave = make_wave()
        family = make_family(wave)
        if status in ("received", "in_workshop", "harvested", "recycled"):
            return make_device(status), family, wave
        device = ready_device()
        if status == "ready":
            return device, family, wave
        services.perform(
            device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
        )
        if status != "reserved":
            services.perform(device, "hand_over", ACTION_DATA["hand_over"], actor=None)
        finish = {"returned": "return", "lost": "report_lost", "transferred": "transfer"}
        if status in finish:
            services.perform(device, finish[status], ACTION_DATA[finish[status]], actor=None)
        db.session.commit()
        return device, family, wave

    return make
