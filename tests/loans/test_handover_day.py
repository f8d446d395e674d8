"""Hand-over day: no device leaves without a charter; returns are taken where families are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.loans.conftest import PARENT
from tests.loans.test_charter import signature_url


@pytest.fixture
def day(make_school, make_association, make_wave, make_family, ready_device):
    """A school's hand-over day: one family with a device reserved for it."""
    school = make_school()
    association = make_association("Accoord")
    wave = make_wave(schools=[school])
    family = make_family(wave, school, association=association)
    device = ready_device()
    event = services.perform(
        device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None
    )
    db.session.commit()
    loan = db.session.get(Loan, event.payload["loan"])
    return {
        "school": school,
        "association": association,
        "wave": wave,
        "family": family,
        "device": device,
        "loan": loan,
        "url": f"/handover/{wave.id}/{school.id}",
    }


def _loan(device) -> Loan:
    db.session.expire_all()
    return db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))


def test_a_device_is_not_handed_over_without_a_charter(client, login, day):
    login("mediator")
    page = client.get(day["url"]).text
    # The paper charter's date is never filled in for the mediator.
    date_input = re.search(r'<input[^>]*id="handover-signed"[^>]*>', page).group(0)
    assert "value=" not in date_input
    refused = client.post(
        day["url"],
        data={"code": day["device"].asset_tag, "charter_signed_on": clock.today().isoformat()},
        follow_redirects=True,
    )
    assert "has not signed the charter" in refused.text
    assert _loan(day["device"]).status == "reserved"
    db.session.refresh(day["device"])
    assert day["device"].status == "reserved"


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"charter_paper": "1"}, "give the date the charter was signed"),
        ({"charter_paper": "1", "charter_signed_on": "today"}, "association"),
        ({"charter_paper": "1", "association": "A"}, "give the date the charter was signed"),
    ],
)
def test_a_paper_charter_needs_its_tick_its_date_and_the_association(
    client, login, day, form, problem
):
    login("mediator")
    data = {"code": day["device"].asset_tag, **form}
    if data.get("charter_signed_on") == "today":
        data["charter_signed_on"] = clock.today().isoformat()
    if data.get("association") == "A":
        data["association"] = str(day["association"].id)
    refused = client.post(day["url"], data=data, follow_redirects=True)
    assert problem in refused.text
    assert _loan(day["device"]).status == "reserved"


def test_a_paper_charter_ticked_dated_and_witnessed_hands_the_device_over(client, login, day):
    login("mediator")
    signed_on = clock.today() - timedelta(days=1)
    response = client.post(
        day["url"],
        data={
            "code": day["device"].asset_tag,
            "charter_paper": "1",
            "charter_signed_on": signed_on.isoformat(),
            "association": str(day["association"].id),
        },
    )
    assert response.status_code == 302 and response.location.endswith(day["url"])
    loan = _loan(day["device"])
    assert (loan.status, loan.charter_way, loan.charter_signed_on, loan.association_id) == (
        "on_loan",
        "paper",
        signed_on,
        day["association"].id,
    )
    event = services.events_of(loan.device)[-1]
    assert event.payload["charter_way"] == "paper"


def test_signed_on_the_screen_in_place_then_handed_over(client, login, day):
    login("mediator")
    loan = day["loan"]
    signed = client.post(
        f"/loans/{loan.id}/sign", data={"signature": signature_url(), "back": "handover"}
    )
    # Back on the hand-over list, at the family's card: never on the family page.
    assert signed.status_code == 302
    assert signed.location.endswith(f"{day['url']}#loan-{loan.id}")
    page = client.get(day["url"]).text
    assert 'data-charter="signed"' in page and f'data-hand-over="{day["device"].asset_tag}"' in page
    handed = client.post(day["url"], data={"code": day["device"].asset_tag})
    assert handed.status_code == 302
    loan = _loan(day["device"])
    assert (loan.status, loan.charter_way, loan.charter_signed_on) == (
        "on_loan",
        "screen",
        clock.today(),
    )
    # With no association chosen, the family's own association was present.
    assert loan.association_id == day["association"].id


def test_the_api_records_an_attested_charter_and_checks_a_screen_one(api, day):
    mediator = api("mediator")
    tag = day["device"].asset_tag
    refused = mediator.act(tag, "hand_over", {"charter_way": "screen"})
    assert refused.status_code == 422
    assert "charter_way" in refused.json["error"]["fields"]
    missing = mediator.act(tag, "hand_over", {})
    assert "charter_signed_on" in missing.json["error"]["fields"]
    done = mediator.act(tag, "hand_over", {"charter_signed_on": clock.today().isoformat()})
    assert done.status_code == 200, done.json
    assert _loan(day["device"]).charter_way == "attested"


def _hand_over(day, days_late: int = 0) -> Loan:
    services.perform(
        day["device"], "hand_over", {"charter_signed_on": clock.today().isoformat()}, actor=None
    )
    loan = _loan(day["device"])
    if days_late:
        loan.due_on = clock.today() - timedelta(days=days_late)
    db.session.commit()
    return loan


def test_the_family_page_shows_a_late_loan_in_red_and_takes_its_return(client, login, day):
    loan = _hand_over(day, days_late=211)
    login("mediator")
    page = client.get(f"/families/{day['family'].reference}").text
    assert "loan-overdue" in page and 'data-days-late="211"' in page
    assert "late by 211 days" in page
    refused = client.post(f"/loans/{loan.id}/return", data={"back": "family"})
    assert refused.status_code == 302 and _loan(day["device"]).status == "on_loan"
    returned = client.post(f"/loans/{loan.id}/return", data={"condition": "worn", "back": "family"})
    assert returned.location.endswith(f"/families/{day['family'].reference}")
    loan = _loan(day["device"])
    assert (loan.status, loan.return_condition) == ("returned", "worn")
    db.session.refresh(day["device"])
    assert day["device"].status == "returned"


def test_the_hand_over_page_takes_returns_too(client, login, day):
    loan = _hand_over(day)
    login("mediator")
    page = client.get(day["url"]).text
    assert f"/loans/{loan.id}/return" in page
    returned = client.post(
        f"/loans/{loan.id}/return", data={"condition": "good", "back": "handover"}
    )
    assert returned.location.endswith(day["url"])
    assert _loan(day["device"]).status == "returned"


@pytest.mark.parametrize("role", ["workshop", "viewer"])
def test_returns_and_signatures_are_for_family_staff(client, login, day, role):
    loan = _hand_over(day)
    login(role)
    assert client.post(f"/loans/{loan.id}/return", data={"condition": "good"}).status_code == 403
    assert client.get(f"/handover/{day['wave'].id}/{day['school'].id}/sheet").status_code == 403
    assert _loan(day["device"]).status == "on_loan"


def test_the_sign_off_sheet_lists_the_devices_to_hand_over(client, login, day):
    login("mediator")
    sheet = client.get(f"{day['url']}/sheet")
    assert sheet.status_code == 200
    assert day["device"].asset_tag in sheet.text and PARENT in sheet.text
    assert "sign-box" in sheet.text


def test_the_hand_over_page_runs_a_constant_number_of_queries(
    client, login, count_queries, day, make_family, ready_device
):
    login("mediator")
    counts = []
    for _ in range(2):
        with count_queries() as statements:
            assert client.get(day["url"]).status_code == 200
        counts.append(len(statements))
        for _more in range(3):
            family = make_family(day["wave"], day["school"])
            services.perform(
                ready_device(),
                "reserve",
                {"family": family.reference, "wave": day["wave"].id},
                actor=None,
            )
        db.session.commit()
    assert counts[0] == counts[1], counts
