"""Loans seen everywhere: the device page and API say who has it, until when, and how late."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.loans.conftest import PARENT


@pytest.fixture
def late(device_in):
    """A device lent to a family that is 211 days late."""
    device, family, wave = device_in("on_loan")
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    loan.due_on = clock.today() - timedelta(days=211)
    db.session.commit()
    return device, family, wave, loan


def test_the_api_says_how_late_a_loan_is_and_to_whom_for_family_roles(api, late):
    device, family, wave, _loan = late
    answer = api("mediator").get(f"/devices/{device.asset_tag}").json["current_loan"]
    assert answer["is_overdue"] is True and answer["days_late"] == 211
    assert (answer["wave"], answer["wave_name"]) == (wave.id, wave.name)
    assert answer["school"]["uai"] == family.school.uai
    assert (answer["family"], answer["family_name"]) == (family.reference, PARENT)
    hidden = api("workshop").get(f"/devices/{device.asset_tag}").json["current_loan"]
    assert hidden["days_late"] == 211 and "family" not in hidden and "family_name" not in hidden


def test_the_device_page_shows_the_loan_and_links_its_history(client, login, late):
    device, family, wave, loan = late
    login("mediator")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert f'data-current-loan="{loan.id}"' in page and 'data-days-late="211"' in page
    assert family.reference in page and PARENT in page and wave.name in page
    assert f'href="/loans/{loan.id}"' in page and f'href="/waves/{wave.id}"' in page
    opened = client.get(f"/loans/{loan.id}")
    assert opened.status_code == 302
    assert opened.location.endswith(f"/families/{family.reference}#loan-{loan.id}")


def test_the_workshop_sees_the_loan_but_never_the_family(client, login, late):
    device, family, wave, loan = late
    login("workshop")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert 'data-days-late="211"' in page and wave.name in page
    assert family.reference not in page and PARENT not in page
    assert f'href="/loans/{loan.id}"' not in page
    assert client.get(f"/loans/{loan.id}").status_code == 403


def test_the_device_page_runs_a_constant_number_of_queries(client, login, count_queries, late):
    device, _family, _wave, _loan = late
    login("mediator")
    with count_queries() as statements:
        assert client.get(f"/devices/{device.asset_tag}").status_code == 200
    assert len(statements) <= 20, statements
