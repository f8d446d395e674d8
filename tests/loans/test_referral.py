"""A referral that holds: complete before the waiting list; an edit never erases what it lacks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import families
from reuse_tracker.loans.models import Family
from tests.loans.conftest import EMAIL, PARENT, PHONE


def _snapshot(family: Family) -> tuple:
    db.session.expire_all()
    family = db.session.get(Family, family.id)
    return (
        family.parent_name,
        family.phone,
        family.email,
        family.address,
        family.school_id,
        family.wave_id,
        family.association_id,
        family.child_class,
        family.needs,
    )


def test_an_edit_posted_with_only_its_csrf_token_changes_nothing(client, login, device_in):
    """The data-loss case: a family holding a device keeps its identity, school and wave."""
    _device, family, wave = device_in("on_loan")
    before = _snapshot(family)
    assert before[:3] == (PARENT, PHONE, EMAIL) and before[4] and before[5] == wave.id
    login("mediator")
    response = client.post(f"/families/{family.reference}/edit", data={"csrf_token": "x"})
    assert response.status_code == 422
    assert "nothing was changed" in response.text
    assert "missing from the form sent" in response.text
    assert _snapshot(family) == before


def test_an_edit_lacking_some_fields_is_refused_and_changes_nothing(client, login, device_in):
    _device, family, _wave = device_in("on_loan")
    before = _snapshot(family)
    login("mediator")
    response = client.post(
        f"/families/{family.reference}/edit", data={"phone": "", "child_class": "CE1"}
    )
    assert response.status_code == 422
    assert _snapshot(family) == before


def test_the_service_changes_only_the_fields_given(device_in):
    _device, family, _wave = device_in("on_loan")
    before = _snapshot(family)
    families.update_family(family, {"phone": "06 11 22 33 44"}, None)
    db.session.commit()
    after = _snapshot(family)
    assert after[1] == "06 11 22 33 44"
    assert after[:1] + after[2:] == before[:1] + before[2:]


def _form(**fields):
    return {
        "referral_source": "school",
        "referred_on": "2021-01-05",
        "school": "",
        "child_class": "",
        "neighbourhood": "",
        "needs": ["computer"],
        "device_type": "laptop",
        "association": "",
        "wave": "",
        "parent_name": "",
        "phone": "",
        "email": "",
        "address": "",
        **fields,
    }


def test_an_empty_referral_does_not_join_a_waiting_list(client, login, make_wave, make_school):
    wave = make_wave(schools=[make_school()])
    login("coordinator")
    response = client.post("/families/new", data=_form(wave=str(wave.id)))
    assert response.status_code == 422
    for label in ("School", "Child&#39;s class", "Accompanying association"):
        assert f"{label}: required to join a waiting list" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Family.id))) == 0
    # Without a wave the family is recorded, to be completed before it waits for a device.
    assert client.post("/families/new", data=_form()).status_code == 302


def test_a_school_outside_the_wave_is_refused(
    client, login, make_wave, make_school, make_association
):
    covered, elsewhere = make_school(), make_school(name="École hors vague (fictive)")
    wave = make_wave(schools=[covered], name="Vague de Bellevue")
    association = make_association()
    login("coordinator")
    data = _form(wave=str(wave.id), child_class="CM1", association=str(association.id))
    refused = client.post("/families/new", data={**data, "school": str(elsewhere.id)})
    assert refused.status_code == 422
    assert "is not a school of the wave “Vague de Bellevue”" in refused.text
    accepted = client.post("/families/new", data={**data, "school": str(covered.id)})
    assert accepted.status_code == 302


def test_a_family_cannot_be_moved_onto_a_wave_with_its_referral_incomplete(make_wave):
    family = families.create_family({"child_class": "CM2"}, None)
    with pytest.raises(ValidationError) as refused:
        families.update_family(family, {"wave": make_wave().id}, None)
    assert set(refused.value.fields) == {"school", "association"}
