"""The loans feature's JSON API: waves, readiness, families, and loan actions on devices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Family, Wave
from tests.loans.conftest import uai

WAVE = {
    "name": "Février 2021 — Bellevue",
    "starts_on": "2031-02-01",
    "ends_on": "2031-02-12",
    "targets": {"laptop": 150, "desktop": 10},
}


def test_a_coordinator_creates_a_wave_with_its_schools(api, make_school):
    school = make_school()
    response = api("coordinator").post("/waves", json={**WAVE, "schools": [school.uai.lower()]})
    assert response.status_code == 201, response.json
    answer = response.json
    assert answer["name"] == WAVE["name"] and answer["targets"] == WAVE["targets"]
    assert answer["schools"] == [school.uai] and answer["is_open"] is True
    assert response.headers["Location"].endswith(f"/api/v1/waves/{answer['id']}/readiness")
    listed = api("viewer").get("/waves").json["waves"]
    assert [wave["id"] for wave in listed] == [answer["id"]]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "starts_on", "targets"}),
        ({**WAVE, "starts_on": "1er février"}, {"starts_on"}),
        ({**WAVE, "ends_on": "2031-01-01"}, {"ends_on"}),
        ({**WAVE, "targets": {"laptop": -3, "toaster": 1}}, {"targets.laptop", "targets.toaster"}),
        ({**WAVE, "targets": {"laptop": "many"}}, {"targets.laptop"}),
        ({**WAVE, "targets": {"laptop": True}}, {"targets.laptop"}),
        ({**WAVE, "targets": [150]}, {"targets"}),
        ({**WAVE, "schools": ["0449999Z", 12]}, {"schools"}),
        ({**WAVE, "schools": "0440001M"}, {"schools"}),
        ({**WAVE, "name": {"fr": "x"}}, {"name"}),
    ],
)
def test_a_bad_wave_is_422_naming_each_field(api, body, fields):
    response = api("coordinator").post("/waves", json=body)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Wave)) == 0


def test_the_api_of_a_feature_needs_no_csrf_token_in_production(app, api, login, monkeypatch):
    """Bearer-token calls carry no CSRF token: a nested API blueprint must be exempt too."""
    caller = api("coordinator")
    login("coordinator")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = caller.post("/waves", json=WAVE)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    page = caller.client.post("/waves", data={"name": "Sans jeton"})
    assert page.status_code == 302  # pages still demand their token: sent back to the form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Wave)) == 1


def test_only_coordinators_create_waves(api):
    for role in ("workshop", "mediator", "viewer"):
        response = api(role).post("/waves", json=WAVE)
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_readiness_answers_per_device_type(api, make_wave, ready_device):
    wave = make_wave({"laptop": 3, "tablet": 1})
    ready_device()
    answer = api("viewer").get(f"/waves/{wave.id}/readiness").json
    assert answer["wave"]["id"] == wave.id and answer["go"] is False
    laptop = answer["types"]["laptop"]
    assert (laptop["target"], laptop["ready"], laptop["reserved"], laptop["shortfall"]) == (
        3,
        1,
        0,
        2,
    )
    assert set(laptop) >= {"in_workshop", "likely_in_time", "verdict", "expected_shortfall"}
    assert answer["types"]["tablet"]["verdict"] == "short"
    missing = api("viewer").get("/waves/999999/readiness")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_a_family_is_referred_without_personal_details(
    api, make_school, make_wave, make_association
):
    school, wave = make_school(), make_wave()
    body = {
        "school": school.uai,
        "wave": wave.id,
        "association": make_association().id,
        "needs": ["computer", "connection"],
        "child_class": "CM2",
        "referred_on": "2021-01-12",
    }
    response = api("coordinator").post("/families", json=body)
    assert response.status_code == 201, response.json
    answer = response.json
    assert answer["reference"] == "FAM-2021-0001" and answer["wave"] == wave.id
    assert answer["needs"] == ["computer", "connection"]
    family = db.session.scalar(sa.select(Family))
    assert (family.school_id, family.child_class, family.parent_name) == (school.id, "CM2", None)
    # An empty referral is no ticket to the waiting list: it is recorded without a wave.
    empty = api("mediator").post("/families", json={"reference": "ext-77", "wave": wave.id})
    assert empty.status_code == 422
    assert set(empty.json["error"]["fields"]) == {"school", "child_class", "association"}
    second = api("mediator").post("/families", json={"reference": "ext-77"})
    assert second.status_code == 201 and second.json["reference"] == "EXT-77"


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({"parent_name": "X"}, 422, {"parent_name"}),
        ({"phone": "06", "consent": True}, 422, {"phone", "consent"}),
        ({"favourite_colour": "blue"}, 422, {"favourite_colour"}),
        ({"school": "0449999Z"}, 422, {"schools"}),
        ({"needs": ["pony"]}, 422, {"needs"}),
        ({"needs": "computer"}, 422, {"needs"}),
        ({"wave": 99999999999}, 422, {"wave"}),
        ({"reference": "FAM 1!"}, 422, {"reference"}),
        ({"referred_on": "2999-01-01"}, 422, {"referred_on"}),
    ],
)
def test_a_bad_family_is_refused(api, body, status, fields):
    response = api("coordinator").post("/families", json=body)
    assert response.status_code == status, response.json
    assert set(response.json["error"]["fields"]) == fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Family)) == 0


def test_a_reference_already_used_is_409(api):
    caller = api("coordinator")
    assert caller.post("/families", json={"reference": "EXT-1"}).status_code == 201
    response = caller.post("/families", json={"reference": "ext-1"})
    assert response.status_code == 409 and response.json["error"]["fields"] == {
        "reference": "already used"
    }


def test_workshop_and_viewers_cannot_refer_families(api):
    for role in ("workshop", "viewer"):
        assert api(role).post("/families", json={}).status_code == 403


def test_the_loan_actions_go_through_the_device_api(api, make_wave, make_family, ready_device):
    wave = make_wave()
    family = make_family(wave)
    device = ready_device()
    coordinator, mediator = api("coordinator"), api("mediator")
    assert (
        api("workshop")
        .act(device.asset_tag, "reserve", {"family": family.reference, "wave": wave.id})
        .status_code
        == 403
    )
    answer = coordinator.act(
        device.asset_tag, "reserve", {"family": family.reference, "wave": wave.id}
    ).json
    assert answer["status"] == "reserved"
    assert answer["current_loan"]["family"] == family.reference
    assert answer["events"][-1]["payload"] == {
        "wave": wave.id,
        "loan": answer["current_loan"]["id"],
    }
    assert "hand_over" in mediator.get(f"/devices/{device.asset_tag}").json["allowed_actions"]
    answer = mediator.act(
        device.asset_tag, "hand_over", {"charter_signed_on": "2021-02-03", "due_on": "2022-07-05"}
    ).json
    assert answer["status"] == "on_loan" and answer["current_loan"]["due_on"] == "2022-07-05"
    again = coordinator.act(
        device.asset_tag, "reserve", {"family": family.reference, "wave": wave.id}
    )
    assert again.status_code == 409
    missing = mediator.act(device.asset_tag, "return", {})
    assert missing.status_code == 422 and set(missing.json["error"]["fields"]) == {"condition"}
    answer = mediator.act(device.asset_tag, "return", {"condition": "damaged"}).json
    assert answer["status"] == "returned" and answer["current_loan"] is None


def test_wave_and_uai_helpers_accept_real_codes():
    from reuse_tracker.loans.uai import uai_problem

    assert uai_problem("0440001M") is None  # a real Nantes code, for the algorithm
    assert uai_problem("0440021J") is None
    assert uai_problem("0440001N") == "check"
    assert uai_problem("440001M") == "format" and uai_problem("0440001I") == "check"
    assert uai_problem(uai(3)) is None
