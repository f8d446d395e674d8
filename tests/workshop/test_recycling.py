"""Harvesting and recycling, plausible weights, and the WEEE register export."""

import csv
import io
from datetime import date

import pytest

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.errors import ValidationError
from reuse_tracker.workshop import weee
from tests.workshop.helpers import DIAGNOSED, act, events, reload, weee_register

PICKUP = {"channel": "ecosystem", "reference": "ESY-2021-0218-NTE", "treatment": "R12"}


def test_a_machine_is_harvested_then_recycled(make_device):
    device = make_device("in_workshop")
    act(device, "record_diagnostics", {"result": "failed", "checks": {"power": "failed"}})
    act(device, "harvest", {"parts": "ram; DDR4 8 GB"})
    act(device, "recycle", {"weight_kg": "1,45", "collected_on": "2021-02-18", **PICKUP})
    assert reload(device).status == "recycled"
    (event,) = events(device, "recycle")
    assert event.payload["weight_kg"] == 1.45 and event.payload["collected_on"] == "2021-02-18"


def test_the_pick_up_date_defaults_to_today_and_cannot_be_in_the_future(make_device):
    device = make_device("received")
    act(device, "recycle", {"weight_kg": "2", "channel": "Ecologic"})
    assert date.fromisoformat(events(device, "recycle")[0].payload["collected_on"]) <= clock.today()
    other = make_device("received")
    with pytest.raises(ValidationError) as refused:
        services.perform(
            other,
            "recycle",
            {"weight_kg": "2", "channel": "Ecologic", "collected_on": "2999-01-01"},
            actor=None,
        )
    assert "collected_on" in refused.value.fields


@pytest.mark.parametrize(
    "kind, weight, accepted",
    [
        ("laptop", "-1", False),
        ("laptop", "0", False),
        ("laptop", None, False),
        ("laptop", "", False),
        ("laptop", "heavy", False),
        ("laptop", "51", False),
        ("laptop", "7.5", False),
        ("laptop", "2.3", True),
        ("smartphone", "0.7", False),
        ("smartphone", "0.18", True),
        ("desktop", "7.5", True),
        ("monitor", "29", True),
        ("tablet", "2.5", False),
    ],
)
def test_a_weight_missing_negative_or_absurd_for_the_type_is_refused(
    make_device, kind, weight, accepted
):
    device = make_device("received", type=kind)
    data = {"channel": "ecosystem", **({"weight_kg": weight} if weight is not None else {})}
    if accepted:
        act(device, "recycle", data)
        assert reload(device).status == "recycled"
        return
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "recycle", data, actor=None)
    assert "weight_kg" in refused.value.fields
    assert events(device, "recycle") == []


def _recycled(make_device, kind: str, kg: str, on: str, reference: str = "REF-1"):
    device = make_device("received", type=kind)
    act(
        device,
        "recycle",
        {
            "weight_kg": kg,
            "collected_on": on,
            "channel": "ecosystem",
            "reference": reference,
            "treatment": "R12",
        },
    )
    return device


def test_the_weee_register_lists_the_period_in_tonnes_with_a_total(client, login, make_device):
    login("coordinator")
    client.post("/lang/en")
    laptop = _recycled(make_device, "laptop", "1.6", "2021-02-18", "ESY-0218")
    desktop = _recycled(make_device, "desktop", "5.9", "2021-04-15", "ECL-1187")
    _recycled(make_device, "tablet", "0.47", "2021-06-03")  # outside the period
    header, *rows, total = weee_register(client, **{"from": "2021-01-01", "to": "2021-05-31"})
    assert header[:4] == ["Date of removal", "Waste designation", "Waste code", "Quantity (t)"]
    assert [row[:8] for row in rows] == [
        [
            "2021-02-18",
            "WEEE — laptop computers",
            "16 02 13*",
            "0,00160",
            "R12",
            "ecosystem",
            "ESY-0218",
            laptop.asset_tag,
        ],
        [
            "2021-04-15",
            "WEEE — desktop computer units",
            "16 02 14",
            "0,00590",
            "R12",
            "ecosystem",
            "ECL-1187",
            desktop.asset_tag,
        ],
    ]
    assert total[0] == "Total" and total[1] == "2 devices" and total[3] == "0,00750"
    assert total[-1] == "7,50"


def test_a_large_period_is_streamed_in_batches_with_the_right_total(
    app, client, login, make_device
):
    login("coordinator")
    for n in range(7):
        _recycled(make_device, "smartphone", "0.15", f"2021-03-{n + 1:02d}")
    lines = list(
        weee.register_chunks(
            date(2021, 1, 1),
            date(2021, 12, 31),
            weee.ZoneInfo("Europe/Paris"),
            app.app_context,
            batch=3,
        )
    )
    assert len(lines) == 5  # header, 3 + 3 + 1 devices, total
    rows = list(csv.reader(io.StringIO("".join(lines)[1:]), delimiter=";"))
    assert [row[0] for row in rows[1:-1]] == [f"2021-03-{n + 1:02d}" for n in range(7)]
    assert rows[-1][3] == "0,00105"


@pytest.mark.parametrize(
    "period", [{"from": "2021-13-01"}, {"from": "2021-05-01", "to": "2021-04-01"}]
)
def test_a_bad_period_is_answered_on_the_registers_page(client, login, period):
    login("coordinator")
    response = client.get("/workshop/weee.csv", query_string=period, follow_redirects=True)
    assert response.status_code == 422 and response.request.path == "/workshop/weee"
    assert "The period is not valid." in response.text and 'name="from"' in response.text


@pytest.mark.parametrize("role", ["viewer", "mediator"])
def test_only_coordinators_and_the_workshop_export_the_register(client, login, role):
    login(role)
    assert client.get("/workshop/weee.csv").status_code == 403


def test_diagnostics_cannot_pass_with_a_failed_check(client, login, make_device):
    login("workshop")
    client.post("/lang/en")
    device = make_device("in_workshop")
    response = client.post(
        f"/devices/{device.asset_tag}/actions/record_diagnostics",
        data={
            "version": device.version,
            "result": "passed",
            "checks.power": "passed",
            "checks.screen": "failed",
        },
    )
    assert response.status_code == 422
    assert "cannot be “passed” when a check failed (Screen)" in response.text
    assert events(device, "record_diagnostics") == []
    act(device, "record_diagnostics", DIAGNOSED)
    assert len(events(device, "record_diagnostics")) == 1
