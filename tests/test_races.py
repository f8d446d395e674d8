"""Races: ten requests at once for one serial, one new donor or one family reference.

Ten threads released together by a barrier each call the JSON API through the WSGI
application (each request in its own application context and database session). Exactly
one wins; the others are refused with 409 (or 422 when the winner was already committed
when they checked), never a server error, and the database holds one record.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donor
from reuse_tracker.loans.models import Family

THREADS = 10
ROUNDS = 3
VALID_SIRET = "73282932000074"
#: How many races ran and how many had more than one winner, for the closing figures.
FIGURES = Counter()


@pytest.fixture
def token(app_ctx, make_user) -> str:
    user = make_user("coordinator")
    token = create_token(user)
    db.session.commit()
    return token


def race(app, token: str, bodies: list[tuple[str, dict[str, Any]]]) -> Counter:
    """POST each (path, body) from its own thread, all at once; count the answers' statuses."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[Any] = []

    def call(path: str, body: dict[str, Any]) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            answer = client.post(
                f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            statuses.append(answer.status_code)
        except Exception as error:  # a server error, as the test client raises it
            statuses.append(repr(error)[:200])

    threads = [threading.Thread(target=call, args=item) for item in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def _donation(donor: dict[str, Any], serial: str) -> dict[str, Any]:
    return {
        "donor": donor,
        "received_on": "2025-03-14",
        "devices": [{"type": "laptop", "brand": "Dell", "model": "E7470", "serial": serial}],
    }


def _check(statuses: Counter, count: Callable[[], int]) -> None:
    FIGURES["runs"] += 1
    FIGURES["double winners"] += statuses[201] > 1
    assert statuses[201] == 1, statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    assert count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_serial_from_ten_donors_at_once_makes_one_device(app, token, round_):
    serial = f"RACE-{round_}-0001"
    bodies = [("/donations", _donation({"name": f"Donateur {i}"}, serial)) for i in range(THREADS)]
    statuses = race(app, token, bodies)
    _check(
        statuses,
        lambda: db.session.scalar(
            sa.select(sa.func.count()).select_from(Device).where(Device.serial == serial)
        ),
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_new_donor_created_ten_times_at_once_is_one_donor(app, token, round_):
    donor = {"name": f"Entreprise nouvelle {round_}", "siret": VALID_SIRET}
    bodies = [("/donations", _donation(donor, f"DONOR-{round_}-{i}")) for i in range(THREADS)]
    statuses = race(app, token, bodies)
    FIGURES["runs"] += 1
    FIGURES["double winners"] += _donors() > 1
    assert _donors() == 1
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= 1  # the winner; the others may come after it and find the donor


def _donors() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Donor).where(Donor.siret == VALID_SIRET)
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_family_reference_given_ten_times_at_once_is_one_family(app, token, round_):
    reference = f"FAM-RACE-{round_}"
    bodies = [("/families", {"reference": reference}) for _ in range(THREADS)]
    statuses = race(app, token, bodies)
    _check(
        statuses,
        lambda: db.session.scalar(
            sa.select(sa.func.count()).select_from(Family).where(Family.reference == reference)
        ),
    )


def test_the_new_donation_page_names_the_serial_that_lost_the_race(
    client, login, make_donation, monkeypatch
):
    """The serial was free when the page checked it and taken when it wrote: a form error."""
    from reuse_tracker.devices import registration

    taken = make_donation(1)
    serial = db.session.scalar(sa.select(Device.serial).where(Device.donation_id == taken.id))
    monkeypatch.setattr(registration, "_already_in_stock", lambda specs, label: {})
    login("coordinator")
    form = {
        "donor_name": "Retardataire SA",
        "donor_kind": "company",
        "received_on": "2025-03-14",
        "devices-0-type": "laptop",
        "devices-0-brand": "Dell",
        "devices-0-model": "E7470",
        "devices-0-serial": serial,
    }
    answer = client.post("/donations/new", data=form)
    assert answer.status_code == 409
    assert serial in answer.text
    count = sa.select(sa.func.count()).select_from(Device).where(Device.serial == serial)
    assert db.session.scalar(count) == 1
    assert db.session.scalar(sa.select(Donor).where(Donor.name == "Retardataire SA")) is None
