"""The action service: events, guards, conflicts, and the append-only log."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import readiness, services
from reuse_tracker.devices.models import AppendOnlyError, Device, DeviceEvent
from reuse_tracker.errors import ConflictError, NotFoundError, ValidationError
from reuse_tracker.extensions import db
from tests.conftest import ERASURE, PATHS


def _actions(device):
    return [e.action for e in services.events_of(device)]


def test_a_device_goes_from_received_to_ready_with_one_event_per_action(make_device, make_user):
    tech = make_user("workshop")
    device = make_device("received")
    for action, data in PATHS["ready"]:
        services.perform(device, action, data, actor=tech)
        db.session.commit()
    assert device.status == "ready"
    assert device.grade == "A"
    assert device.version == 6
    events = services.events_of(device)
    assert [e.action for e in events] == ["intake", *[a for a, _ in PATHS["ready"]]]
    assert [e.seq for e in events] == list(range(1, 7))
    assert events[-1].from_status == "in_workshop" and events[-1].to_status == "ready"
    assert events[2].payload["tool"] == "nwipe" and events[2].actor_id == tech.id


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("received", "mark_ready"),
        ("ready", "start_reconditioning"),
        ("recycled", "recycle"),
        ("harvested", "harvest"),
        ("received", "grade"),
    ],
)
def test_an_action_not_allowed_now_is_refused_and_changes_nothing(make_device, status, action):
    device = make_device(status)
    version = device.version
    data = {"grade": "A"} if action == "grade" else {"weight_kg": 2, "channel": "ecosystem"}
    with pytest.raises(ConflictError):
        services.perform(device, action, data, actor=None)
    db.session.rollback()
    assert device.status == status and device.version == version
    assert len(_actions(device)) == version


def test_mark_ready_explains_what_is_missing(make_device):
    device = make_device("in_workshop")
    services.perform(device, "record_erasure", {**ERASURE, "result": "failed"}, actor=None)
    with pytest.raises(ConflictError) as refused:
        services.perform(device, "mark_ready", {}, actor=None)
    assert "erasure" in refused.value.fields["mark_ready"]
    assert "diagnostics" in refused.value.fields["mark_ready"]
    assert "grade" in refused.value.fields["mark_ready"]


def test_guards_only_count_events_since_the_device_entered_the_workshop(make_device):
    device = make_device("ready")
    device.status = "returned"  # as if it had been lent and returned
    db.session.execute(sa.update(Device).where(Device.id == device.id).values(status="returned"))
    db.session.commit()
    db.session.refresh(device)
    services.perform(device, "start_reconditioning", {}, actor=None)
    assert len(readiness.missing_for_ready(device)) == 3


def test_bad_fields_are_named_and_nothing_is_written(make_device):
    device = make_device("in_workshop")
    with pytest.raises(ValidationError) as invalid:
        services.perform(device, "record_erasure", {"method": "shred", "tool": ""}, actor=None)
    assert set(invalid.value.fields) == {"method", "technique", "tool", "verification", "result"}
    assert device.version == 2


def test_unknown_action_is_not_found(make_device):
    with pytest.raises(NotFoundError):
        services.perform(make_device(), "teleport", {}, actor=None)


def test_a_stale_form_is_refused(make_device):
    device = make_device("in_workshop")
    with pytest.raises(ConflictError):
        services.perform(device, "grade", {"grade": "B"}, actor=None, expected_version=1)


def test_recycle_weight_must_be_positive_and_plausible(make_device):
    device = make_device()
    for weight in ("-1", "0", "80", "abc"):
        with pytest.raises(ValidationError) as invalid:
            services.perform(
                device, "recycle", {"weight_kg": weight, "channel": "Ecologic"}, actor=None
            )
        assert "weight_kg" in invalid.value.fields
    services.perform(device, "recycle", {"weight_kg": "2,4", "channel": "Ecologic"}, actor=None)
    assert device.status == "recycled"


def test_events_cannot_be_changed_or_deleted(make_device):
    device = make_device()
    event = services.events_of(device)[0]
    event.action = "recycle"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(sa.delete(DeviceEvent))
    db.session.rollback()
    db.session.delete(services.events_of(device)[0])
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_integrity_finds_a_state_that_does_not_match_its_log(make_device):
    good, bad = make_device("in_workshop"), make_device("received")
    assert list(services.check_integrity()) == []
    db.session.execute(sa.update(Device).where(Device.id == bad.id).values(status="ready"))
    db.session.commit()
    problems = list(services.check_integrity())
    assert [(tag, stored) for tag, stored, _ in problems] == [(bad.asset_tag, "ready")]
    assert good.asset_tag not in {tag for tag, _, _ in problems}


def test_integrity_finds_a_readiness_gap_or_a_last_event_its_log_does_not_give(make_device):
    fresh, ready, kept = (
        make_device("in_workshop"),
        make_device("ready"),
        make_device("in_workshop"),
    )
    assert fresh.readiness_gap == "erasure" and ready.readiness_gap is None
    long_ago = datetime(2020, 1, 6, 9, tzinfo=UTC)
    db.session.execute(sa.update(Device).where(Device.id == fresh.id).values(readiness_gap="grade"))
    db.session.execute(
        sa.update(Device)
        .where(Device.id == ready.id)
        .values(readiness_gap="", last_event_at=long_ago)  # named once, by its first mismatch
    )
    db.session.commit()
    problems = {(tag, stored, replayed) for tag, stored, replayed in services.check_integrity()}
    assert problems == {
        (fresh.asset_tag, "readiness gap 'grade'", "'erasure'"),
        (
            ready.asset_tag,
            f"last event at {long_ago}",
            str(services.events_of(ready)[-1].created_at),
        ),
    }
    assert kept.asset_tag not in {tag for tag, _, _ in problems}


def test_two_concurrent_actions_on_one_device_cannot_both_win(app, make_device):
    """Two real connections load the device, then both try to change it."""
    device = make_device("in_workshop")
    tag = device.asset_tag
    db.session.remove()
    loaded = threading.Barrier(2)
    outcomes: list[str] = []

    def technician(grade: str):
        with app.app_context():
            mine = services.get_device(tag)
            loaded.wait(timeout=10)
            try:
                services.perform(mine, "grade", {"grade": grade}, actor=None)
                db.session.commit()
                outcomes.append("won")
            except ConflictError:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=technician, args=(g,)) for g in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    device = services.get_device(tag)
    assert device.version == 3
    assert _actions(device) == ["intake", "start_reconditioning", "grade"]
