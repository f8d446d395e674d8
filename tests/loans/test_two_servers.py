"""Two application servers on one database: a race between them still has exactly one winner.

A metropolitan deployment runs several hosts behind a load balancer; nothing may rely on
the state of one process. Two gunicorn servers (two ports, two workers each) serve this
run's database: each reservation of a pair goes to a different server at the same moment, ten
donations carrying one serial are shared between them, and their login limit, kept in one
Redis, is counted once for both.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.loans.test_race import _at_the_same_moment
from tests.servers import failed_logins, gunicorn, redis_rate_limits
from tests.test_races import FIGURES, _donation

ROUNDS = 3


@pytest.fixture
def two_servers(app_ctx, database_url, tmp_path):
    """Two servers on this run's database, their rate limits kept in one Redis."""
    env = redis_rate_limits("5 per minute")
    with ExitStack() as stack:
        yield [
            stack.enter_context(gunicorn(database_url, tmp_path / f"server-{n}.log", env=env))
            for n in (1, 2)
        ]


def _post_json(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        json.dumps(body).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_reservation_race_across_two_servers_has_one_winner(
    two_servers, make_user, make_wave, make_family, ready_device
):
    tokens = [create_token(make_user("coordinator")) for _ in range(2)]
    wave = make_wave()
    db.session.commit()
    wave_id = wave.id
    for _ in range(ROUNDS):
        device = ready_device()
        families = [make_family(wave, contact=False) for _ in range(2)]
        db.session.commit()
        requests = [
            (base, token, device.asset_tag, family.reference, wave_id)
            for base, token, family in zip(two_servers, tokens, families, strict=True)
        ]
        answers = _at_the_same_moment(requests)
        assert sorted(status for status, _ in answers) == [200, 409], answers
        db.session.expire_all()
        loans = db.session.scalars(sa.select(Loan.status).where(Loan.device_id == device.id))
        assert list(loans) == ["reserved"]


def _donations_at_once(servers: list[str], token: str, serial: str) -> list[int]:
    """Ten donors' donations carrying ``serial``, shared between the servers, all at once."""
    ready = threading.Barrier(10)
    statuses: list[int] = []

    def send(n: int) -> None:
        body = _donation({"name": f"Donateur {n}"}, serial)
        ready.wait(timeout=10)
        statuses.append(_post_json(f"{servers[n % 2]}/api/v1/donations", token, body))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_one_serial_sent_to_two_servers_at_once_makes_one_device(two_servers, make_user):
    token = create_token(make_user("coordinator"))
    db.session.commit()
    for round_ in range(ROUNDS):
        serial = f"TWO-SERVERS-{round_}"
        statuses = _donations_at_once(two_servers, token, serial)
        FIGURES["runs"] += 1
        FIGURES["double winners"] += statuses.count(201) > 1
        assert statuses.count(201) == 1 and set(statuses) <= {201, 409, 422}, statuses
        db.session.expire_all()
        devices = db.session.scalar(
            sa.select(sa.func.count()).select_from(Device).where(Device.serial == serial)
        )
        assert devices == 1


def test_the_login_limit_is_counted_once_for_both_servers(two_servers, make_user):
    user = make_user("viewer")
    db.session.commit()
    statuses = failed_logins(two_servers, user.email, 10)  # one server, then the other
    assert statuses == [401] * 5 + [429] * 5, statuses
