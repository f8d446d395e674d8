"""A family's rights: an access export of all it holds, and pseudonymisation on request."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Family, Loan
from tests.loans.conftest import ACTION_DATA, EMAIL, PARENT, PHONE


def _audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_coordinator_exports_everything_held_on_a_family(client, login, device_in):
    device, family, wave = device_in("on_loan")
    login("coordinator")
    response = client.get(f"/families/{family.reference}/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.json
    assert (data["family"]["parent_name"], data["family"]["phone"]) == (PARENT, PHONE)
    assert data["family"]["email"] == EMAIL and data["wave"] == wave.name
    assert data["loans"][0]["device"] == device.asset_tag
    assert data["loans"][0]["charter_way"] == "attested"
    assert [entry.target for entry in _audit("family.access_export")] == [
        f"family:{family.reference}"
    ]


def test_pseudonymised_on_request_keeping_the_figures(client, login, device_in):
    device, family, _wave = device_in("on_loan")
    login("coordinator")
    refused = client.post(
        f"/families/{family.reference}/pseudonymise", data={"confirm": "1"}, follow_redirects=True
    )
    assert "still has a device" in refused.text
    services.perform(device, "return", ACTION_DATA["return"], actor=None)
    db.session.commit()
    unconfirmed = client.post(f"/families/{family.reference}/pseudonymise")
    assert unconfirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Family, family.id).pseudonymised_at is None
    done = client.post(f"/families/{family.reference}/pseudonymise", data={"confirm": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(Family, family.id)
    assert erased.pseudonymised_at is not None
    assert (erased.parent_name, erased.phone, erased.email) == (None, None, None)
    # The anonymous figures stay: the family, its loan and its reference.
    loan = db.session.scalar(sa.select(Loan).where(Loan.family_id == family.id))
    assert loan.status == "returned" and erased.reference == family.reference
    assert [e.details for e in _audit("family.pseudonymised")] == [{"on_request": True}]
    page = client.get(f"/families/{family.reference}").text
    assert PARENT not in page


def test_only_coordinators_exercise_a_family_s_rights(client, login, device_in):
    _device, family, _wave = device_in("returned")
    login("mediator")
    assert client.get(f"/families/{family.reference}/export.json").status_code == 403
    answer = client.post(f"/families/{family.reference}/pseudonymise", data={"confirm": "1"})
    assert answer.status_code == 403
    db.session.expire_all()
    assert db.session.get(Family, family.id).parent_name == PARENT
