"""The WEEE register on screen: pick-ups, monthly tonnes, CSV from there, bad ranges in place."""

import pytest

from reuse_tracker.devices import services


def _recycled(make_device, weight, collected_on, reference="ESY-1", channel="Ecologic"):
    device = make_device("received", type="laptop")
    services.perform(
        device,
        "recycle",
        {
            "weight_kg": weight,
            "channel": channel,
            "collected_on": collected_on,
            "reference": reference,
            "treatment": "R4",
        },
        actor=None,
    )
    return device


def test_the_register_shows_pick_ups_and_tonnes_by_month(client, login, make_device, db_session):
    login("workshop")
    first = _recycled(make_device, "1.6", "2021-02-18", "ESY-0218")
    _recycled(make_device, "2.4", "2021-02-25", "ESY-0225")
    _recycled(make_device, "5.9", "2021-04-15", "ECL-1187", "ecosystem")
    _recycled(make_device, "3", "2021-06-03")  # outside the period
    db_session.commit()
    page = client.get("/workshop/weee", query_string={"from": "2021-01-01", "to": "2021-05-31"})
    assert page.status_code == 200
    text = page.text
    assert first.asset_tag in text and "ESY-0218" in text and "R4" in text and "16 02 13*" in text
    # February: 2 devices, 4.0 kg = 0.004 t; April: 0.006 t (to the kilogram); total 0.010 t.
    assert "February 2021" in text and "April 2021" in text and "June 2021" not in text
    assert "0.004" in text and "0.006" in text and "0.01" in text
    assert 'href="/workshop/weee.csv?from=2021-01-01&amp;to=2021-05-31"' in text


def test_the_register_reads_in_french_with_tonnes_by_month(
    client, french, login, make_device, db_session
):
    login("coordinator")
    _recycled(make_device, "1.5", "2021-03-02")
    db_session.commit()
    text = client.get(
        "/workshop/weee", query_string={"from": "2021-01-01", "to": "2021-12-31"}
    ).text
    assert "mars 2021" in text and "1,5" in text and "0,002" in text


@pytest.mark.parametrize(
    "period, field",
    [({"from": "2021-13-01"}, "from"), ({"from": "2021-05-01", "to": "2021-04-01"}, "to")],
)
def test_a_bad_range_is_answered_on_the_same_page(client, login, period, field):
    login("workshop")
    response = client.get("/workshop/weee", query_string=period)
    assert response.status_code == 422
    assert f'id="weee-{field}" name="{field}"' in response.text and "is-invalid" in response.text
    assert "End of the period" in response.text or "Start of the period" in response.text


@pytest.mark.parametrize("role, status", [("viewer", 403), ("mediator", 403), ("workshop", 200)])
def test_workshop_and_coordinators_see_the_register(client, login, role, status):
    login(role)
    assert client.get("/workshop/weee").status_code == status
    assert client.get("/workshop/weee.csv").status_code == status


def test_the_page_runs_a_constant_number_of_queries(client, login, make_device, count_queries):
    login("workshop")
    period = {"from": "2021-01-01", "to": "2021-12-31"}
    _recycled(make_device, "1", "2021-03-02")
    with count_queries() as few:
        client.get("/workshop/weee", query_string=period)
    for day in range(3, 9):
        _recycled(make_device, "1", f"2021-03-{day:02d}")
    with count_queries() as many:
        client.get("/workshop/weee", query_string=period)
    assert len(many) == len(few)
