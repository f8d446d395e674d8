"""The loans part of the demo: fictional catalogue, families, and waves played to the end."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa
from PIL import Image

from reuse_tracker import clock
from reuse_tracker.demo_calendar import PlanCalendar
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.services import check_integrity
from reuse_tracker.extensions import db
from reuse_tracker.loans import demo
from reuse_tracker.loans.demo_timeline import drawn_signature
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.uai import uai_problem


def test_the_catalogue_is_fictional_and_valid(app_ctx):
    by_neighbourhood, associations = demo.create_catalogue()
    schools = db.session.scalars(sa.select(School)).all()
    assert len(schools) == len(demo.SCHOOLS)
    assert all(uai_problem(s.uai) is None and s.uai.startswith("04499") for s in schools)
    assert all("(fictive)" in s.name for s in schools)
    assert set(by_neighbourhood) >= {
        "Bellevue",
        "Bottière",
        "Nantes Nord",
        "Malakoff",
        "Dervallières",
        "Breil",
    }
    assert set(associations) == set(demo.ASSOCIATIONS)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association)) == 6


def test_a_drawn_signature_is_a_clean_png():
    image = Image.open(io.BytesIO(drawn_signature(__import__("random").Random(1))))
    assert image.format == "PNG" and image.mode == "L"


def test_the_waves_are_played_to_the_end(app_ctx, make_user, ready_device, monkeypatch):
    users = [make_user(role) for role in ("coordinator", "mediator", "workshop", "workshop")]
    calendar = PlanCalendar.for_today(clock.today())
    for _ in range(16):
        ready_device()
    # Ready since before the first wave (a bulk update: the devices' versions stay).
    db.session.execute(
        sa.update(Device).values(status_changed_at=calendar.at(datetime(2020, 12, 1)))
    )
    db.session.commit()
    february, _, april, _ = demo.WAVES
    monkeypatch.setattr(demo, "WAVES", (replace(february, families=16), replace(april, families=6)))
    demo.load_loans_demo(users, calendar)
    db.session.commit()
    statuses = db.session.scalars(sa.select(Loan.status)).all()
    assert {"on_loan", "returned", "lost", "transferred"} <= set(statuses)
    relent = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(Loan.device_id)
            .where(Loan.status != "cancelled")
            .group_by(Loan.device_id)
            .having(sa.func.count() > 1)
            .subquery()
        )
    )
    assert relent >= 1
    assert list(check_integrity()) == []
    waves = db.session.scalars(sa.select(Wave).order_by(Wave.starts_on)).all()
    assert [w.is_open for w in waves] == [False, True]
    # The 2021 waves, moved to the plan's year in whole weeks.
    assert [w.name.split(" — ")[0] for w in waves] == [
        f"Février {calendar.year}",
        f"Avril–mai {calendar.year}",
    ]
    assert [(w.starts_on, w.starts_on.weekday()) for w in waves] == [
        (calendar.on(plan.starts_on), plan.starts_on.weekday()) for plan in (february, april)
    ]
    transferred = db.session.scalars(sa.select(Loan).where(Loan.status == "transferred")).all()
    assert {loan.closed_at.date() for loan in transferred} == {calendar.on(date(2021, 6, 4))}
    families = db.session.scalars(sa.select(Family)).all()
    assert len(families) == 22 and all(f.consent_on for f in families)
    assert all(f.phone.startswith("06 39 98") for f in families)  # the range kept for fiction
    signed = db.session.scalar(
        sa.select(sa.func.count()).select_from(Loan).where(Loan.signature_png.is_not(None))
    )
    assert signed >= 1
