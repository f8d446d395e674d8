"""Every loan action from every state, through the action service, and what each does to loans."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import actions, lifecycle, services
from reuse_tracker.devices.models import DeviceEvent
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import families as family_services
from reuse_tracker.loans.actions import SPECS as LOAN_SPECS
from reuse_tracker.loans.models import Loan
from tests.loans.conftest import ACTION_DATA

STATES = [status.value for status in lifecycle.Status]
#: What each allowed loan action leaves the device's loan in.
LOAN_AFTER = {
    "reserve": "reserved",
    "cancel_reservation": "cancelled",
    "hand_over": "on_loan",
    "return": "returned",
    "report_lost": "lost",
    "transfer": "transferred",
}


def _loans(device) -> list[tuple[str, int]]:
    return db.session.execute(
        sa.select(Loan.status, Loan.family_id).where(Loan.device_id == device.id).order_by(Loan.id)
    ).all()


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", list(LOAN_AFTER))
def test_each_loan_action_from_each_state(device_in, make_family, action, status):
    device, family, wave = device_in(status)
    data = ACTION_DATA.get(action, {})
    if action == "reserve":
        other = family if status == "ready" else make_family(wave, contact=False)
        data = {"family": other.reference, "wave": wave.id}
    before = (device.status, device.version, _loans(device))
    if not lifecycle.is_allowed(action, status):
        with pytest.raises(ConflictError):
            services.perform(device, action, data, actor=None)
        db.session.rollback()
        db.session.refresh(device)
        assert (device.status, device.version, _loans(device)) == before
        return
    event = services.perform(device, action, data, actor=None)
    db.session.commit()
    assert device.status == lifecycle.next_status(action, status)
    loan = db.session.get(Loan, event.payload["loan"])
    assert loan.status == LOAN_AFTER[action]
    assert "family" not in event.payload  # device histories never name the family
    if action in ("return", "report_lost", "transfer", "cancel_reservation"):
        assert loan.closed_at is not None


def test_reserving_records_who_when_and_keeps_the_family_on_its_wave(
    ready_device, make_wave, make_family, make_user
):
    coordinator = make_user("coordinator")
    wave = make_wave()
    family = make_family(wave)
    device = ready_device()
    event = services.perform(
        device, "reserve", {"family": family.reference.lower(), "wave": wave.id}, actor=coordinator
    )
    db.session.commit()
    loan = db.session.get(Loan, event.payload["loan"])
    assert (loan.family_id, loan.wave_id, loan.reserved_by_id) == (
        family.id,
        wave.id,
        coordinator.id,
    )
    assert event.payload == {"wave": wave.id, "loan": loan.id}


def test_a_family_holds_one_device_at_a_time(ready_device, make_wave, make_family):
    wave = make_wave()
    family = make_family(wave)
    first, second = ready_device(), ready_device()
    services.perform(first, "reserve", {"family": family.reference, "wave": wave.id}, actor=None)
    db.session.commit()
    with pytest.raises(ConflictError) as refused:
        services.perform(
            second, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
        )
    assert family.reference in refused.value.message
    assert first.asset_tag in refused.value.message
    db.session.rollback()
    assert second.status == "ready"


def test_the_database_refuses_two_active_loans_for_one_family(ready_device, make_wave, make_family):
    wave = make_wave()
    family = make_family(wave)
    devices = [ready_device(), ready_device()]
    for device in devices:
        db.session.add(
            Loan(family_id=family.id, device_id=device.id, wave_id=wave.id, status="reserved")
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Closed loans do not count: a family may have had many.
    for device in devices:
        db.session.add(Loan(family_id=family.id, device_id=device.id, status="returned"))
    db.session.flush()
    db.session.rollback()


def test_the_database_refuses_two_active_loans_for_one_device(ready_device, make_wave, make_family):
    wave = make_wave()
    device = ready_device()
    for family in (make_family(wave), make_family(wave)):
        db.session.add(
            Loan(family_id=family.id, device_id=device.id, wave_id=wave.id, status="on_loan")
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "problem", ["closed wave", "unknown family", "unknown wave", "other wave", "pseudonymised"]
)
def test_a_reservation_is_refused_with_its_reason(ready_device, make_wave, make_family, problem):
    wave = make_wave()
    family = make_family(make_wave() if problem == "other wave" else wave)
    wave.is_open = problem != "closed wave"
    db.session.commit()
    data = {"family": family.reference, "wave": wave.id}
    if problem == "unknown family":
        data["family"] = "FAM-1999-9999"
    elif problem == "unknown wave":
        data["wave"] = 999_999
    elif problem == "pseudonymised":
        family.pseudonymised_at = family.created_at
        db.session.commit()
    device = ready_device()
    expected = ValidationError if problem.startswith("unknown") else ConflictError
    with pytest.raises(expected) as refused:
        services.perform(device, "reserve", data, actor=None)
    if problem == "unknown family":
        assert set(refused.value.fields) == {"family"}
    elif problem == "closed wave":
        assert wave.name in refused.value.message
    db.session.rollback()
    assert device.status == "ready" and device.version == 6
    assert _loans(device) == []


def test_hand_over_sets_the_due_date_from_the_loan_duration(app, device_in, make_association):
    association = make_association("Alis 44")
    device, _family, _ = device_in("reserved")
    signed = clock.today() - timedelta(days=2)
    event = services.perform(
        device,
        "hand_over",
        {"charter_signed_on": signed.isoformat(), "association": "alis 44"},
        actor=None,
    )
    db.session.commit()
    loan = db.session.get(Loan, event.payload["loan"])
    expected_due = signed + timedelta(days=app.config["LOAN_DURATION_DAYS"])
    assert (loan.status, loan.charter_signed_on, loan.due_on) == ("on_loan", signed, expected_due)
    assert loan.association_id == association.id and loan.handed_over_at is not None
    assert event.payload["due_on"] == expected_due.isoformat()
    assert event.payload["association"] == "Alis 44"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"charter_signed_on": (clock.today() + timedelta(days=1)).isoformat()},
            "charter_signed_on",
        ),
        ({"charter_signed_on": "2021-02-03", "due_on": "2021-02-01"}, "due_on"),
        ({"charter_signed_on": "2021-02-03", "association": "Inconnue"}, "association"),
        ({"charter_signed_on": "le 3 février"}, "charter_signed_on"),
        ({}, "charter_signed_on"),
    ],
)
def test_a_bad_hand_over_names_the_field_and_changes_nothing(device_in, data, field):
    device, _, _ = device_in("reserved")
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "hand_over", data, actor=None)
    assert field in refused.value.fields
    db.session.rollback()
    assert [status for status, _ in _loans(device)] == ["reserved"]


def test_a_returned_device_goes_back_to_the_workshop_and_can_be_lent_again(
    device_in, make_family, ready_device
):
    device, family, wave = device_in("on_loan")
    services.perform(device, "return", {"condition": "worn", "notes": "Clavier usé"}, actor=None)
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    assert (loan.status, loan.return_condition, loan.closing_note) == (
        "returned",
        "worn",
        "Clavier usé",
    )
    assert loan.returned_at is not None
    assert "start_reconditioning" in services.allowed_actions(device)
    from tests.conftest import WORKSHOP_PATH

    for action, data in [*WORKSHOP_PATH, ("grade", {"grade": "B"}), ("mark_ready", {})]:
        services.perform(device, action, data, actor=None)
    next_family = make_family(wave)
    services.perform(
        device, "reserve", {"family": next_family.reference, "wave": wave.id}, actor=None
    )
    db.session.commit()
    assert [(s, f) for s, f in _loans(device)] == [
        ("returned", family.id),
        ("reserved", next_family.id),
    ]
    # The first family may borrow again: its loan is closed.
    services.perform(
        ready_device(), "reserve", {"family": family.reference, "wave": wave.id}, actor=None
    )


def test_cancelling_puts_the_family_back_on_the_waiting_list(device_in):
    device, family, wave = device_in("reserved")
    assert family.id not in {
        f.id for f in db.session.scalars(family_services.waiting_statement(wave.id))
    }
    services.perform(device, "cancel_reservation", {"reason": "Absente"}, actor=None)
    db.session.commit()
    waiting = db.session.scalars(family_services.waiting_statement(wave.id)).all()
    assert family.id in {f.id for f in waiting}
    assert device.status == "ready"


@pytest.mark.parametrize("spec", LOAN_SPECS, ids=lambda spec: spec.name)
@pytest.mark.parametrize("role", ["admin", "coordinator", "workshop", "mediator", "viewer"])
def test_each_loan_action_checks_the_role(make_user, spec, role):
    user = make_user(role)
    action = spec.name
    expected = role == "admin" or role in spec.roles
    assert actions.may_perform(user, action) is expected
    assert expected == (
        role in {"admin", "coordinator"}
        or (role == "mediator" and action in {"hand_over", "return", "report_lost"})
    )


def test_events_of_loan_actions_never_carry_the_family(device_in):
    device, family, _ = device_in("returned")
    payloads = db.session.scalars(
        sa.select(DeviceEvent.payload).where(DeviceEvent.device_id == device.id)
    ).all()
    assert all(family.reference not in str(payload) for payload in payloads)
