"""Diagnostic checklists per device type, edited by coordinators, used by the forms."""

import pytest

from reuse_tracker.devices import fields
from reuse_tracker.workshop import checklists


def test_without_configuration_the_built_in_list_is_used(db_session):
    assert fields.checklist_for("laptop") == fields.DIAGNOSTIC_CHECKS["laptop"]
    assert fields.checklist_for("toaster") == ()


def test_a_coordinator_configures_a_type_and_the_forms_follow(client, login):
    login("coordinator")
    client.post("/lang/en")
    response = client.post(
        "/workshop/checklists",
        data={
            "device_type": "laptop",
            "checks": ["power", "screen", "keyboard"],
            "extra": "Lecteur d'empreintes, bios password",
        },
    )
    assert response.status_code == 302
    expected = ("power", "screen", "keyboard", "lecteur_d_empreintes", "bios_password")
    assert fields.checklist_for("laptop") == expected
    assert fields.checklist_for("tablet") == fields.DIAGNOSTIC_CHECKS["tablet"]
    page = client.get("/workshop/checklists").text
    assert "Lecteur d empreintes" in page and "configured" in page
    scan = client.get("/scan?action=record_diagnostics&type=laptop").text
    assert 'name="checks.bios_password"' in scan and 'name="checks.touchpad"' not in scan
    assert "Bios password" in scan and "bios_password<" not in scan


def test_a_custom_check_reads_well_on_the_device_page(client, login, make_device):
    login("coordinator")
    client.post("/workshop/checklists", data={"device_type": "laptop", "extra": "bios password"})
    device = make_device("in_workshop", type="laptop")
    login("workshop")
    response = client.post(
        f"/devices/{device.asset_tag}/actions/record_diagnostics",
        data={"checks.bios_password": "passed", "result": "passed", "version": device.version},
    )
    assert response.status_code == 302
    page = client.get(f"/devices/{device.asset_tag}").text
    assert 'me-1">Bios password</span>' in page  # the recorded check, in the history
    assert ">bios_password<" not in page


def test_going_back_to_the_built_in_list(client, login):
    login("admin")
    client.post("/workshop/checklists", data={"device_type": "monitor", "checks": ["power"]})
    assert fields.checklist_for("monitor") == ("power",)
    client.post("/workshop/checklists", data={"device_type": "monitor", "reset": "1"})
    assert fields.checklist_for("monitor") == fields.DIAGNOSTIC_CHECKS["monitor"]


@pytest.mark.parametrize(
    "data",
    [
        {"device_type": "laptop"},
        {"device_type": "laptop", "extra": "1st check"},
        {"device_type": "toaster", "checks": ["power"]},
        {"device_type": "laptop", "extra": ",".join(f"check{n}" for n in range(31))},
    ],
)
def test_a_bad_checklist_is_refused_and_nothing_changes(client, login, data):
    login("coordinator")
    response = client.post("/workshop/checklists", data=data)
    assert response.status_code == 422
    assert fields.checklist_for("laptop") == fields.DIAGNOSTIC_CHECKS["laptop"]


@pytest.mark.parametrize("role", ["workshop", "viewer", "mediator"])
def test_only_coordinators_edit_the_checklists(client, login, role):
    login(role)
    assert client.get("/workshop/checklists").status_code == 403
    response = client.post(
        "/workshop/checklists", data={"device_type": "laptop", "checks": ["power"]}
    )
    assert response.status_code == 403
    assert fields.checklist_for("laptop") == fields.DIAGNOSTIC_CHECKS["laptop"]


def test_check_titles_are_translated_or_made_readable():
    assert checklists.check_name(" Lecteur d'empreintes ") == "lecteur_d_empreintes"
    assert fields.check_title("lecteur_d_empreintes") == "Lecteur d empreintes"
