"""The spare-parts stock: harvested in, installed out, never negative, even in a race."""

import threading

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.workshop import parts
from reuse_tracker.workshop.models import PartMovement, SparePart
from tests.workshop.helpers import act, english, events

RAM = {"kind": "ram", "spec": "DDR4 8 GB 2666 SO-DIMM"}


def stock(kind: str = "ram", spec: str = RAM["spec"]) -> int | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(SparePart.quantity).where(
            SparePart.kind == kind, SparePart.spec_key == parts.spec_key(spec)
        )
    )


def test_a_part_harvested_from_one_machine_is_installed_into_another(make_device, make_user):
    tech = make_user("workshop")
    donor_machine, receiver = make_device("in_workshop"), make_device("in_workshop")
    act(donor_machine, "harvest_part", {**RAM, "quantity": "2"}, tech)
    act(donor_machine, "harvest_part", {"kind": "ram", "spec": "ddr4  8 gb 2666 so-dimm"}, tech)
    assert stock() == 3
    act(receiver, "install_part", RAM, tech)
    assert stock() == 2
    (harvested, _again) = events(donor_machine, "harvest_part")
    (installed,) = events(receiver, "install_part")
    assert harvested.payload == {**RAM, "quantity": 2}
    assert installed.payload == {**RAM, "quantity": 1}
    movements = db.session.scalars(sa.select(PartMovement).order_by(PartMovement.id)).all()
    assert [(m.quantity, m.reason, m.device_id, m.event_seq) for m in movements] == [
        (2, "harvest", donor_machine.id, harvested.seq),
        (1, "harvest", donor_machine.id, _again.seq),
        (-1, "install", receiver.id, installed.seq),
    ]


def test_installing_a_part_that_is_not_in_stock_is_refused_clearly(make_device):
    device = make_device("in_workshop")
    with pytest.raises(ConflictError) as refused:
        services.perform(device, "install_part", RAM, actor=None)
    assert "0 left" in refused.value.fields["spec"]
    db.session.rollback()
    act(make_device("in_workshop"), "harvest_part", RAM)
    with pytest.raises(ConflictError) as refused:
        services.perform(device, "install_part", {**RAM, "quantity": 2}, actor=None)
    assert "1 left" in refused.value.fields["spec"] and "2 wanted" in refused.value.fields["spec"]
    db.session.rollback()
    assert stock() == 1 and events(device, "install_part") == []


def test_two_technicians_installing_the_last_part_at_once_exactly_one_wins(
    app, make_device, make_user
):
    tech = make_user("workshop")
    act(make_device("in_workshop"), "harvest_part", RAM, tech)
    ids = [make_device("in_workshop").id for _ in range(2)]
    start, results = threading.Barrier(2), []

    def install(device_id: int) -> None:
        with app.app_context():
            device = db.session.get(Device, device_id)
            start.wait()
            try:
                services.perform(device, "install_part", RAM, actor=None)
                db.session.commit()
                results.append("installed")
            except ConflictError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=install, args=(device_id,)) for device_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["installed", "refused"]
    assert stock() == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PartMovement)
            .where(PartMovement.reason == "install")
        )
        == 1
    )


def test_harvesting_a_machine_lists_the_parts_taken_to_stock(client, login, make_device):
    login("workshop")
    english(client)
    device = make_device("received")
    response = client.post(
        f"/devices/{device.asset_tag}/actions/harvest",
        data={
            "version": device.version,
            "parts": "RAM; DDR4 8 GB 2666 SO-DIMM; 2\nbatterie | Dell 42 Wh 3 cellules\n",
        },
    )
    assert response.status_code == 302
    (event,) = events(device, "harvest")
    assert event.payload["parts"] == [
        {"kind": "ram", "spec": "DDR4 8 GB 2666 SO-DIMM", "quantity": 2},
        {"kind": "battery", "spec": "Dell 42 Wh 3 cellules", "quantity": 1},
    ]
    assert stock() == 2 and stock("battery", "dell 42 wh 3 cellules") == 1
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "Memory (RAM) DDR4 8 GB 2666 SO-DIMM ×2; Battery Dell 42 Wh 3 cellules" in page


@pytest.mark.parametrize(
    "text, problem",
    [
        ("widget; thing", "not a part kind"),
        ("ram", "specification"),
        ("ram; DDR3; 0", "quantity"),
        ("ram; DDR3; many", "quantity"),
    ],
)
def test_a_bad_list_of_parts_names_the_line(make_device, text, problem):
    device = make_device("received")
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "harvest", {"parts": f"ssd; 256 GB\n{text}"}, actor=None)
    assert "line 2" in refused.value.fields["parts"]
    assert problem in refused.value.fields["parts"]
    db.session.rollback()
    assert stock("ssd", "256 GB") is None


def test_the_stock_page_shows_quantities_and_movements(client, login, make_device):
    login("viewer")
    english(client)
    donor_machine, receiver = make_device("in_workshop"), make_device("in_workshop")
    act(donor_machine, "harvest_part", {**RAM, "quantity": "2"})
    act(receiver, "install_part", RAM)
    page = client.get("/workshop/parts").text
    assert "DDR4 8 GB 2666 SO-DIMM" in page
    assert donor_machine.asset_tag in page and receiver.asset_tag in page
    assert "+2" in page and "-1" in page
    assert 'action="/workshop/parts/count"' not in page  # a viewer only reads


def test_parts_are_counted_in_and_out_by_the_workshop(client, login):
    login("workshop")
    english(client)
    response = client.post(
        "/workshop/parts/count",
        data={
            "direction": "in",
            "kind": "charger",
            "spec": "Dell 65 W USB-C",
            "quantity": "5",
            "notes": "Achat",
        },
    )
    assert response.status_code == 302 and stock("charger", "Dell 65 W USB-C") == 5
    response = client.post(
        "/workshop/parts/count",
        data={"direction": "out", "kind": "charger", "spec": "Dell 65 W USB-C", "quantity": "6"},
    )
    assert response.status_code == 422 and "5 left" in response.text
    assert stock("charger", "Dell 65 W USB-C") == 5
    response = client.post("/workshop/parts/count", data={"direction": "in", "kind": "ram"})
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_others_cannot_move_parts(client, login, role):
    login(role)
    response = client.post(
        "/workshop/parts/count",
        data={"direction": "in", "kind": "charger", "spec": "Dell 65 W", "quantity": "5"},
    )
    assert response.status_code == 403
