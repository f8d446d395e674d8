"""One list of éco-organismes: any spelling of a listed name is one line of the register."""

import pytest

from reuse_tracker.devices import services
from reuse_tracker.errors import ValidationError


def _recycle(device, channel):
    return services.perform(device, "recycle", {"weight_kg": "2", "channel": channel}, actor=None)


def test_any_spelling_of_a_listed_name_is_recorded_under_it(db_session, make_device):
    for typed in ("ECOSYSTEM", " eco-system ", "Ecologic", "écologic"):
        event = _recycle(make_device("received"), typed)
        assert event.payload["channel"] in {"ecosystem", "Ecologic"}, typed
    with pytest.raises(ValidationError) as refused:
        _recycle(make_device("received"), "Ecosys")
    assert "Ecologic, ecosystem, Soren" in refused.value.fields["channel"]


def test_coordinators_add_and_withdraw_names(client, login, make_device, db_session):
    login("coordinator")
    client.post("/workshop/eco-organisations", data={"name": "Envie  44"})
    page = client.get("/workshop/eco-organisations").text
    assert "Envie 44" in page
    assert _recycle(make_device("received"), "envie44").payload["channel"] == "Envie 44"
    db_session.commit()
    client.post("/workshop/eco-organisations/withdraw", data={"name": "Soren"})
    page = client.get("/workshop/eco-organisations").text
    assert '<span class="fw-semibold">Soren</span>' not in page
    with pytest.raises(ValidationError):
        _recycle(make_device("received"), "Soren")


def test_the_recycle_form_offers_the_list(client, login, make_device):
    login("workshop")
    device = make_device("received")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert 'list="recycle-channel-list"' in page and '<option value="Ecologic">' in page


@pytest.mark.parametrize("role", ["workshop", "viewer"])
def test_only_coordinators_edit_the_list(client, login, role):
    login(role)
    assert client.post("/workshop/eco-organisations", data={"name": "X"}).status_code == 403
