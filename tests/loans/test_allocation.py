"""The allocation proposal (pure) and its confirmation, all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.loans import queries, services
from reuse_tracker.loans.allocation import (
    ReadyDevice,
    WaitingFamily,
    parse_pairs,
    propose,
    waiting_order,
)
from reuse_tracker.loans.models import Loan


def family(ref: str, kind: str = "laptop", day: int = 1, position: int = 0) -> WaitingFamily:
    return WaitingFamily(ref, kind, date(2021, 1, day), position)


def device(tag: str, kind: str = "laptop", grade: str | None = "B", day: int = 1) -> ReadyDevice:
    return ReadyDevice(tag, kind, grade, datetime(2021, 1, day, tzinfo=UTC))


def test_the_best_grade_goes_to_the_first_family_referred():
    proposal = propose(
        [family("F2", day=5), family("F1", day=2), family("F3", day=9)],
        [device("C1", grade="C"), device("A1", grade="A"), device("B1")],
    )
    assert [(p.reference, p.asset_tag) for p in proposal.pairs] == [
        ("F1", "A1"),
        ("F2", "B1"),
        ("F3", "C1"),
    ]


def test_ungraded_devices_come_last_and_equals_go_by_time_ready():
    proposal = propose(
        [family("F1"), family("F2"), family("F3")],
        [device("X", grade=None), device("B-late", day=9), device("B-early", day=2)],
    )
    assert [p.asset_tag for p in proposal.pairs] == ["B-early", "B-late", "X"]


def test_each_family_gets_the_type_it_needs():
    proposal = propose(
        [family("L1"), family("T1", "tablet"), family("D1", "desktop")],
        [device("TAB", "tablet", "C"), device("LAP", "laptop", "A"), device("DESK", "desktop")],
    )
    assert {(p.reference, p.asset_tag) for p in proposal.pairs} == {
        ("L1", "LAP"),
        ("T1", "TAB"),
        ("D1", "DESK"),
    }


def test_families_referred_the_same_day_keep_their_order():
    order = waiting_order(
        [family("B", position=2), family("A", position=1), family("C", day=0 + 1, position=3)]
    )
    assert [f.reference for f in order] == ["A", "B", "C"]


def test_without_enough_stock_the_last_referred_wait_and_spare_devices_are_listed():
    proposal = propose(
        [family("F1"), family("F2", day=2), family("F3", day=3), family("T1", "tablet")],
        [device("L1"), device("L2"), device("D1", "desktop")],
    )
    assert [p.reference for p in proposal.pairs] == ["F1", "F2"]
    assert [f.reference for f in proposal.unserved] == ["T1", "F3"]  # referral order
    assert [d.asset_tag for d in proposal.spare] == ["D1"]


def test_no_waiting_family_or_no_stock_proposes_nothing():
    assert propose([], [device("L1")]).pairs == ()
    assert propose([family("F1")], []).pairs == ()


def test_pairs_sent_back_are_read_or_refused():
    assert parse_pairs(["fam-2021-0001:rt-000001", " FAM-2:RT-2 "]) == [
        ("FAM-2021-0001", "RT-000001"),
        ("FAM-2", "RT-2"),
    ]
    for bad in (["FAM-1"], [":RT-1"], ["FAM-1:"]):
        with pytest.raises(ValueError):
            parse_pairs(bad)


def test_the_proposal_matches_the_waiting_list_to_the_ready_stock(
    ready_device, make_wave, make_family
):
    wave = make_wave({"laptop": 3, "tablet": 1})
    first = make_family(wave, referred_on=date(2021, 1, 4))
    second = make_family(wave, referred_on=date(2021, 1, 9))
    tablet = make_family(wave, device_type="tablet", referred_on=date(2021, 1, 2))
    grade_c, grade_a = ready_device(grade="C"), ready_device(grade="A")
    ready_device("desktop")
    waiting = queries.waiting_list(wave.id)
    assert [f.reference for f in waiting] == [tablet.reference, first.reference, second.reference]
    proposal = queries.proposal_for(waiting)
    assert [(p.reference, p.asset_tag) for p in proposal.pairs] == [
        (first.reference, grade_a.asset_tag),
        (second.reference, grade_c.asset_tag),
    ]
    assert [f.reference for f in proposal.unserved] == [tablet.reference]


def test_a_confirmed_proposal_is_applied_all_or_nothing(ready_device, make_wave, make_family):
    wave = make_wave()
    families = [make_family(wave) for _ in range(3)]
    devices = [ready_device() for _ in range(3)]
    # Meanwhile, the third device was reserved for someone else.
    services.apply_proposal(wave, [(families[2].reference, devices[2].asset_tag)], None)
    db.session.commit()
    pairs = [(f.reference, d.asset_tag) for f, d in zip(families[:2], devices[:2], strict=True)]
    pairs.append((families[1].reference, devices[2].asset_tag))
    with pytest.raises(ConflictError) as refused:
        services.apply_proposal(wave, pairs, None)
    assert "Line 3" in refused.value.message or "Ligne 3" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 1
    assert [d.status for d in devices] == ["ready", "ready", "reserved"]
    assert services.apply_proposal(wave, pairs[:2], None) == 2
