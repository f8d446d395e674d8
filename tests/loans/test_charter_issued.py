"""The charter as an issued document: verifiable without revealing the family."""

from __future__ import annotations

import io

from tests.documents.test_issued import code_in, text_of
from tests.loans.conftest import PARENT
from tests.loans.test_charter import loan_on  # noqa: F401  (the fixture)


def test_a_charter_verification_page_shows_no_family_identity(client, login, loan_on):  # noqa: F811
    loan_id, family, _device = loan_on
    login("coordinator")
    pdf = client.get(f"/loans/{loan_id}/charter.pdf").data
    assert client.get(f"/loans/{loan_id}/charter.pdf").data == pdf
    assert PARENT in text_of(pdf)
    client.post("/logout")
    page = client.get(f"/verify/{code_in(pdf)}").text
    assert "Engagement charter" in page and "Current" in page
    for identity in (PARENT, family.reference, "Ormeaux", "CM1"):
        assert identity not in page
    check = client.post(f"/verify/{code_in(pdf)}", data={"file": (io.BytesIO(pdf), "c.pdf")})
    assert "The file matches" in check.text


def test_the_purge_erases_stored_charters_but_they_stay_verifiable(client, login, loan_on):  # noqa: F811
    from reuse_tracker.documents.models import IssuedDocument
    from reuse_tracker.extensions import db
    from reuse_tracker.loans import privacy

    loan_id, family, _device = loan_on
    login("coordinator")
    pdf = client.get(f"/loans/{loan_id}/charter.pdf").data
    privacy.purge([family.reference])
    db.session.commit()
    (stored,) = db.session.scalars(db.select(IssuedDocument)).all()
    assert stored.content == b"" and stored.size == len(pdf)
    assert client.get(f"/documents/{stored.id}.pdf").status_code == 410
    check = client.post(f"/verify/{code_in(pdf)}", data={"file": (io.BytesIO(pdf), "c.pdf")})
    assert "The file matches" in check.text


def test_the_donors_portal_says_lent_and_never_names_the_family(client, loan_on):  # noqa: F811
    from reuse_tracker.donors import services
    from reuse_tracker.extensions import db

    _loan_id, family, device = loan_on
    token = services.new_link(device.donation.donor, actor=None)
    db.session.commit()
    page = client.get(f"/donors/portal/{token}").text
    assert device.asset_tag in page and "Lent to a family" in page
    for identity in (PARENT, family.reference, "Ormeaux", "PiNG", "CM1"):
        assert identity not in page
    report = text_of(client.get(f"/donors/portal/{token}/impact.pdf").data)
    assert "Reused: lent to families 1" in report
    for identity in (PARENT, family.reference, "Ormeaux"):
        assert identity not in report
