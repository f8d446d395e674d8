"""``correct_details``: a typo corrected as an event that keeps the old and new values."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import ConflictError, PermissionDenied, ValidationError


def _last_event(db_session, device):
    return db_session.scalars(
        sa.select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id)
        .order_by(DeviceEvent.seq.desc())
    ).first()


def test_a_correction_changes_the_details_and_keeps_old_and_new(db_session, make_device, make_user):
    device = make_device("in_workshop", model="Latitud 5490", ram_gb="8")
    status, version = device.status, device.version
    services.perform(
        device,
        "correct_details",
        {"model": "Latitude 5490", "ram_gb": "16", "serial": "ABC-123", "reason": "typo"},
        actor=make_user("workshop"),
    )
    db_session.commit()
    assert (device.model, device.ram_gb, device.serial) == ("Latitude 5490", 16, "ABC-123")
    assert device.serial_key == "ABC123" and device.status == status
    assert device.version == version + 1
    event = _last_event(db_session, device)
    assert event.action == "correct_details" and event.from_status == event.to_status
    assert event.payload["changes"]["model"] == {"old": "Latitud 5490", "new": "Latitude 5490"}
    assert event.payload["changes"]["ram_gb"] == {"old": 8, "new": 16}
    assert event.payload["reason"] == "typo"


def test_a_correction_that_changes_nothing_is_refused(db_session, make_device):
    device = make_device("received", model="Latitude 5490")
    with pytest.raises(ValidationError):
        services.perform(
            device, "correct_details", {"model": "Latitude 5490", "reason": "x"}, actor=None
        )


def test_a_reason_is_required_and_a_serial_of_another_device_is_refused(db_session, make_device):
    device, other = make_device("received"), make_device("received")
    with pytest.raises(ValidationError) as missing:
        services.perform(device, "correct_details", {"model": "X"}, actor=None)
    assert "reason" in missing.value.fields
    with pytest.raises(ValidationError) as taken:
        services.perform(
            device, "correct_details", {"serial": other.serial.lower(), "reason": "r"}, actor=None
        )
    assert other.asset_tag in taken.value.fields["serial"]


def test_a_weight_is_recorded_to_the_hundredth_the_device_keeps(db_session, make_device):
    """The event says what the device holds: 1.234 kg is kept as 1.23 (intake rounds so too)."""
    device = make_device("received", weight_kg="1.5")
    services.perform(device, "correct_details", {"weight_kg": "1.234", "reason": "r"}, actor=None)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Device, device.id).weight_kg == Decimal("1.23")
    assert _last_event(db_session, device).payload["changes"]["weight_kg"]["new"] == 1.23
    with pytest.raises(ValidationError):  # 1.231 kg is the weight it already has
        services.perform(
            device, "correct_details", {"weight_kg": "1.231", "reason": "r"}, actor=None
        )


@pytest.mark.parametrize("status", ["recycled"])
def test_a_final_state_cannot_be_corrected(db_session, make_device, status):
    device = make_device(status)
    with pytest.raises(ConflictError):
        services.perform(device, "correct_details", {"model": "X", "reason": "r"}, actor=None)


@pytest.mark.parametrize(
    "role, allowed",
    [("coordinator", True), ("workshop", True), ("mediator", False), ("viewer", False)],
)
def test_coordinators_and_the_workshop_may_correct(
    db_session, make_device, make_user, role, allowed
):
    device = make_device("ready")
    data = {"brand": "Lenovo", "reason": "wrong brand at intake"}
    if allowed:
        services.perform(device, "correct_details", data, actor=make_user(role))
        assert device.brand == "Lenovo"
    else:
        with pytest.raises(PermissionDenied):
            services.perform(device, "correct_details", data, actor=make_user(role))


def test_the_device_page_offers_it_prefilled_and_the_history_shows_it(
    client, login, make_device, db_session
):
    login("coordinator")
    device = make_device("received", model="Latitud 5490")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert 'id="correct_details-model"' in page and 'value="Latitud 5490"' in page
    response = client.post(
        f"/devices/{device.asset_tag}/actions/correct_details",
        data={"model": "Latitude 5490", "reason": "faute de frappe", "version": device.version},
    )
    assert response.status_code == 302
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "Details corrected" in page
    assert "<del>Latitud 5490</del> → <ins>Latitude 5490</ins>" in page
    db_session.expire_all()
    assert db_session.get(Device, device.id).model == "Latitude 5490"


def test_the_api_corrects_details(client, make_user, make_device):
    from reuse_tracker.auth.services import create_token
    from reuse_tracker.extensions import db

    user = make_user("workshop")
    token = create_token(user)
    db.session.commit()
    device = make_device("in_workshop")
    response = client.post(
        f"/api/v1/devices/{device.asset_tag}/actions/correct_details",
        json={"weight_kg": "1,85", "reason": "pesé"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.json
    event = response.json["events"][-1]
    assert event["action"] == "correct_details"
    assert event["payload"]["changes"]["weight_kg"] == {"old": None, "new": 1.85}


def test_the_history_writes_numbers_and_dates_in_french(client, french, login, make_device):
    login("coordinator")
    device = make_device("received", weight_kg="1.5")
    client.post(
        f"/devices/{device.asset_tag}/actions/correct_details",
        data={"weight_kg": "1,85", "reason": "pesé à l'atelier", "version": device.version},
    )
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "Caractéristiques corrigées" in page
    assert "<del>1,5</del> → <ins>1,85</ins>" in page
