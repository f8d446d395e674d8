"""The allocation proposal (pure, then ranked by the database) and its confirmation."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import counts
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.stock import counts_by_status_and_type
from reuse_tracker.errors import ConflictError, NotFoundError
from reuse_tracker.extensions import db
from reuse_tracker.loans import proposals, queries, services
from reuse_tracker.loans.allocation import (
    GRADE_ORDER,
    Pair,
    ReadyDevice,
    WaitingFamily,
    fingerprint,
    propose,
    summary,
    waiting_order,
)
from reuse_tracker.loans.models import Loan
from tests.plans import query_plan, sequential_scan, sorts


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


def test_the_summary_counts_devices_by_type_and_grade_and_the_families_left_waiting():
    proposal = propose(
        [family("F1"), family("F2", day=2), family("F3", day=3), family("T1", "tablet")],
        [device("L1", grade="A"), device("L2", grade=None), device("D1", "desktop")],
    )
    rows = {row.device_type: row for row in summary(proposal)}
    assert set(rows) == {"laptop", "tablet"}
    assert (rows["laptop"].waiting, rows["laptop"].served, rows["laptop"].unserved) == (3, 2, 1)
    assert list(rows["laptop"].by_grade.items()) == [("A", 1), (None, 1)]
    assert (rows["tablet"].served, rows["tablet"].unserved, rows["tablet"].by_grade) == (0, 1, {})


def test_the_fingerprint_changes_with_any_pair_their_order_or_the_wave():
    pairs = [Pair("F1", "RT-1", "laptop", "A"), Pair("F2", "RT-2", "laptop", "B")]
    seen = fingerprint(1, pairs)
    assert len(seen) == 64 and seen == fingerprint(1, list(pairs))
    assert seen != fingerprint(1, pairs[::-1])
    assert seen != fingerprint(2, pairs)
    assert seen != fingerprint(1, [pairs[0], Pair("F2", "RT-3", "laptop", "B")])
    assert seen != fingerprint(1, pairs[:1])


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
    proposal = proposals.proposal_for(wave.id)
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
    assert counts.mismatches() == {}  # the refused confirmation left the summary as it was
    assert services.apply_proposal(wave, pairs[:2], None) == 2
    db.session.commit()
    assert counts.mismatches() == {}


def test_a_proposal_reads_its_devices_at_once_and_refuses_an_unknown_tag_by_its_line(
    ready_device, make_wave, make_family
):
    wave = make_wave()
    families = [make_family(wave) for _ in range(3)]
    devices = [ready_device() for _ in range(2)]
    pairs = [
        (families[0].reference, devices[0].asset_tag.lower()),  # as typed: found all the same
        (families[1].reference, "RT-999999"),
        (families[2].reference, devices[1].asset_tag),
    ]
    with pytest.raises(NotFoundError) as refused:
        services.apply_proposal(wave, pairs, None)
    assert "Line 2" in refused.value.message and "RT-999999" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
    assert services.apply_proposal(wave, [pairs[0], pairs[2]], None) == 2
    assert [d.status for d in devices] == ["reserved", "reserved"]


def test_a_confirmed_proposal_writes_the_state_summary_once_per_row(
    ready_device, make_wave, make_family, count_queries
):
    """A wave of 1,000 families: two upserts of the summary, not two a reservation."""
    wave = make_wave(targets={"laptop": 10, "tablet": 10})
    kinds = ("laptop", "laptop", "laptop", "tablet", "tablet")
    pairs = [(make_family(wave, device_type=k).reference, ready_device(k).asset_tag) for k in kinds]
    with count_queries() as sent:
        assert services.apply_proposal(wave, pairs, None) == 5
    db.session.commit()
    written = [s for s in sent if s.lstrip().startswith("INSERT INTO device_counts")]
    assert len(written) == 4  # ready and reserved, for laptops and tablets
    table = counts_by_status_and_type()
    assert (table["reserved"]["laptop"], table["reserved"]["tablet"]) == (3, 2)
    assert (table["ready"]["laptop"], table["ready"]["tablet"]) == (0, 0)
    assert counts.mismatches() == {}


def test_a_confirmation_reads_its_families_and_their_loans_at_once(
    ready_device, make_wave, make_family, count_queries
):
    """A wave of 1,000 families: two queries, not a family and a loan look-up a reservation
    (2,000 of the 5,000 statements)."""
    wave = make_wave()
    pairs = [(make_family(wave).reference, ready_device().asset_tag) for _ in range(4)]
    with count_queries() as sent:
        assert services.apply_proposal(wave, pairs, None) == 4
    reads = [s for s in sent if s.lstrip().startswith("SELECT") and "families" in s]
    assert len(reads) == 2, reads  # the families, and which of them hold a loan
    assert [loan.status for loan in db.session.scalars(sa.select(Loan))] == ["reserved"] * 4


def test_a_family_twice_in_a_confirmation_is_refused_at_its_second_line(
    ready_device, make_wave, make_family
):
    wave = make_wave()
    twice, other = make_family(wave), make_family(wave)
    devices = [ready_device() for _ in range(3)]
    pairs = [
        (twice.reference, devices[0].asset_tag),
        (other.reference, devices[1].asset_tag),
        (twice.reference, devices[2].asset_tag),
    ]
    with pytest.raises(ConflictError) as refused:
        services.apply_proposal(wave, pairs, None)
    assert "Line 3" in refused.value.message and "already has a device" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0


TYPES = ("laptop", "desktop", "tablet")


def _random_programme(rng: random.Random, wave, make_family, ready_stock) -> None:
    """Refer random families to ``wave``; make a random ready stock, with ties to break."""
    for _ in range(rng.randint(0, 24)):
        make_family(
            wave,
            device_type=rng.choice(TYPES),
            referred_on=date(2026, 9, rng.randint(1, 4)),
            contact=False,
        )
    instants = [datetime(2026, 11, 3, 9, tzinfo=UTC) + timedelta(hours=h) for h in range(3)]
    instants.append(instants[0] + timedelta(microseconds=1))
    for kind in TYPES:
        number = rng.randint(0, 20)
        ready_stock(
            number,
            kind,
            # Ungraded, and grades the proposal does not rank ("0" sorts before A, "Z" after C).
            grades=[rng.choice(("A", "B", "C", None, "0", "Z")) for _ in range(number)],
            since=[rng.choice(instants) for _ in range(number)],
            # Pre-printed labels of other shapes, where collations disagree on the order.
            tags=[
                f"{rng.choice(('RT', 'rt', 'R-T', 'X_', 'a'))}{rng.randint(0, 99)}-{kind[0]}{i}"
                for i in range(rng.randint(0, number))
            ],
        )
    ready_stock(2, "monitor")  # nobody waits for a monitor


@pytest.mark.parametrize("seed", range(6))
def test_the_proposal_ranked_by_the_database_is_the_pure_proposal(
    seed, make_school, make_wave, make_family, ready_stock, make_device
):
    wave = make_wave(schools=[make_school()])
    _random_programme(random.Random(seed), wave, make_family, ready_stock)
    make_device("in_workshop")  # not ready: never proposed
    every_ready = [
        ReadyDevice(*row)
        for row in db.session.execute(
            sa.select(Device.asset_tag, Device.type, Device.grade, Device.status_changed_at).where(
                Device.status == "ready"
            )
        )
    ]
    families = proposals.waiting_families(wave.id)
    expected = propose(families, every_ready)
    read = proposals.proposal_for(wave.id)
    assert read.pairs == expected.pairs
    assert read.unserved == expected.unserved
    wanted = {kind: sum(f.device_type == kind for f in families) for kind in TYPES}
    stock = proposals.ranked_stock(wanted)
    ready = {kind: sum(d.device_type == kind for d in every_ready) for kind in TYPES}
    assert len(stock) == sum(min(wanted[kind], ready[kind]) for kind in TYPES)


@pytest.mark.parametrize("grade", [*GRADE_ORDER, None])
def test_the_proposal_reads_the_ready_devices_it_pairs_from_an_index(app_ctx, grade):
    """At 100,000 devices, ranking all 10,700 ready laptops for a wave of 1,000 families took
    50 ms; the proposal reads each grade's first ones in rank order instead."""
    plan = query_plan(proposals.ready_of_grade(grade, {"laptop": 1000, "tablet": 20}))
    scans = [line for line in plan if sequential_scan(line, "devices") or sorts(line)]
    assert not scans, plan
