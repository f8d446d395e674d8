"""Family identities: seen by coordinators and mediators only; pseudonymised after retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.auth.services import create_token
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans import privacy
from reuse_tracker.loans.models import Family, Loan
from tests.loans.conftest import EMAIL, PARENT, PHONE
from tests.loans.test_charter import signature_url


@pytest.fixture
def lent(make_school, make_association, make_wave, make_family, device_in):
    """A family with a device on loan (signed on a tablet), another on the waiting list."""
    from reuse_tracker.loans import signature

    school = make_school()
    wave = make_wave(schools=[school])
    family = make_family(wave, school, association=make_association())
    make_family(wave, school, parent_name="Autre Parent Fictif")
    device, _, _ = device_in("ready")
    event = services.perform(
        device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
    )
    services.perform(device, "hand_over", {"charter_signed_on": "2021-02-03"}, actor=None)
    loan = db.session.get(Loan, event.payload["loan"])
    signature.sign(loan, signature_url(), None)
    loan.due_on = loan.due_on.replace(year=2021)  # overdue
    db.session.commit()
    return {"family": family, "device": device, "wave": wave, "school": school, "loan": loan}


def _urls(app, role_user, lent) -> list[str]:
    """Every GET page the user's role may open, with real records in its URL."""
    values = {
        "asset_tag": lent["device"].asset_tag,
        "wave_id": lent["wave"].id,
        "school_id": lent["school"].id,
        "loan_id": lent["loan"].id,
        "reference": lent["family"].reference,
        "donation_id": lent["device"].donation_id,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        if "GET" not in (rule.methods or ()) or roles is None or not role_user.has_role(*roles):
            continue
        if rule.rule.startswith("/api/") or not set(rule.arguments) <= set(values):
            continue
        urls.append(rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1])
    return urls


@pytest.mark.parametrize("role", ["workshop", "viewer"])
def test_workshop_and_viewers_never_see_a_family(app, client, login, lent, role):
    user = login(role)
    urls = _urls(app, user, lent)
    assert "/waves" in urls and f"/devices/{lent['device'].asset_tag}" in urls
    assert "/families" in urls
    tag = lent["device"].asset_tag
    urls += [f"/scan/lookup?code={tag}", f"/scan/form?tag={tag}&action=correct_details"]
    secrets = (PARENT, PHONE, EMAIL, "Autre Parent Fictif", lent["family"].reference)
    # Without a code they answer 404; the form answers 403 to roles that may not act.
    refusing = ("/scan/lookup", "/scan/form")
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 400 or url.startswith(refusing), url
        body = response.get_data(as_text=response.mimetype != "application/pdf")
        for secret in secrets:
            assert secret not in str(body), (url, secret)
    for url in (
        f"/families/{lent['family'].reference}",
        f"/loans/{lent['loan'].id}/charter.pdf",
        "/loans/overdue",
        f"/handover/{lent['wave'].id}/{lent['school'].id}",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["workshop", "viewer"])
def test_the_api_never_names_a_family_to_workshop_or_viewers(client, make_user, lent, role):
    token = create_token(make_user(role))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for path in (
        f"/devices/{lent['device'].asset_tag}",
        "/waves",
        "/stock",
        f"/waves/{lent['wave'].id}/readiness",
    ):
        response = client.get(f"/api/v1{path}", headers=headers)
        assert response.status_code == 200, path
        for secret in (PARENT, PHONE, EMAIL, lent["family"].reference):
            assert secret not in response.text, (path, secret)
    loan = client.get(f"/api/v1/devices/{lent['device'].asset_tag}", headers=headers).json[
        "current_loan"
    ]
    assert loan == {
        "id": lent["loan"].id,
        "status": "on_loan",
        "wave": lent["wave"].id,
        "wave_name": lent["wave"].name,
        "school": {"uai": lent["school"].uai, "name": lent["school"].name},
        "due_on": lent["loan"].due_on.isoformat(),
        # Handed over in 2021 for a year: long overdue.
        "is_overdue": True,
        "days_late": (clock.today() - lent["loan"].due_on).days,
    }


@pytest.mark.parametrize("role", ["mediator", "coordinator", "admin"])
def test_family_roles_see_who_the_family_is(client, login, make_user, lent, role):
    login(role)
    reference = lent["family"].reference
    for url in (
        f"/families/{reference}",
        "/families",
        "/loans/overdue",
        f"/handover/{lent['wave'].id}/{lent['school'].id}",
    ):
        page = client.get(url).text
        assert PARENT in page and reference in page, url
    family_page = client.get(f"/families/{reference}").text
    assert PHONE in family_page and EMAIL in family_page
    assert "Autre Parent Fictif" in client.get(f"/waves/{lent['wave'].id}").text
    token = create_token(make_user(role))
    db.session.commit()
    answer = client.get(
        f"/api/v1/devices/{lent['device'].asset_tag}", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert answer["current_loan"]["family"] == reference


def _close(loan: Loan, days_ago: int) -> None:
    loan.status, loan.closed_at = "returned", utcnow() - timedelta(days=days_ago)


def test_the_purge_blanks_contacts_and_signatures_and_keeps_the_figures(
    app, runner, lent, make_family, make_wave
):
    family, loan = lent["family"], lent["loan"]
    _close(loan, 400)
    recent = make_family(make_wave())  # recorded today, never equipped: kept
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert family.reference in result.output and "Dry run: 1 family" in result.output
    assert "Autre" not in result.output  # the waiting family was recorded today
    db.session.expire_all()
    assert db.session.get(Family, family.id).parent_name == PARENT

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "Pseudonymised 1 family" in result.output
    db.session.expire_all()
    purged = db.session.get(Family, family.id)
    assert (purged.parent_name, purged.phone, purged.email, purged.address) == (None,) * 4
    assert purged.reference == family.reference and purged.pseudonymised_at is not None
    assert purged.school_id == lent["school"].id and purged.child_class == "CM1"
    kept = db.session.get(Loan, loan.id)
    assert kept.signature_png is None and kept.status == "returned"
    assert kept.device_id == lent["device"].id
    assert db.session.get(Family, recent.id).parent_name == PARENT
    assert runner.invoke(args=["privacy", "purge"]).output.startswith("Pseudonymised 0")


def test_active_and_recently_closed_loans_are_not_purged(lent):
    on_loan = lent["family"].reference
    assert on_loan not in {c.reference for c in privacy.candidates(0)}  # on loan: never
    _close(lent["loan"], 10)
    db.session.commit()
    assert privacy.candidates(365) == []
    assert [c.reference for c in privacy.candidates(5)] == [lent["family"].reference]
    candidate = privacy.candidates(5)[0]
    assert (candidate.contact_fields, candidate.signatures) == (4, 1)


def test_a_pseudonymised_family_cannot_be_given_details_again(client, login, lent):
    privacy.purge([lent["family"].reference])
    db.session.commit()
    login("coordinator")
    response = client.post(
        f"/families/{lent['family'].reference}/edit",
        data={
            "parent_name": "Nouveau Nom",
            "consent": "y",
            "referral_source": "school",
            "needs": ["computer"],
        },
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(Family.parent_name).where(Family.id == lent["family"].id))
        is None
    )
