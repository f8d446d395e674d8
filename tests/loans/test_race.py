"""Two coordinators reserve the same device at the same moment: exactly one wins.

The application runs under gunicorn with several worker processes, on this test run's
database (the SQLite file or the PostgreSQL schema); two threads released by a barrier call
the JSON API with two coordinators' tokens.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.servers import gunicorn

ROUNDS = 3


@pytest.fixture
def server(app_ctx, database_url, tmp_path):
    """Serve the application with ``gunicorn -w 3`` on this run's database; yield its URL."""
    log = tmp_path / "log"
    with gunicorn(database_url, log, workers=3) as base:
        yield base, log


def _reserve(base: str, token: str, tag: str, family: str, wave: int) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1/devices/{tag}/actions/reserve",
        method="POST",
        data=json.dumps({"family": family, "wave": wave}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _at_the_same_moment(requests: list[tuple]) -> list[tuple[int, dict]]:
    """Send each reservation from its own thread, all released together by a barrier."""
    ready = threading.Barrier(len(requests))
    answers: list[tuple[int, dict]] = []

    def send(request: tuple) -> None:
        ready.wait(timeout=10)
        answers.append(_reserve(*request))

    threads = [threading.Thread(target=send, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_two_coordinators_reserving_one_device_exactly_one_wins(
    server, make_user, make_wave, make_family, ready_device
):
    base, log = server
    tokens = [create_token(make_user("coordinator")) for _ in range(2)]
    wave = make_wave()
    db.session.commit()
    wave_id = wave.id  # the threads have no application context to load it
    for _ in range(ROUNDS):
        device = ready_device()
        families = [make_family(wave, contact=False) for _ in range(2)]
        db.session.commit()
        requests = [
            (base, token, device.asset_tag, family.reference, wave_id)
            for token, family in zip(tokens, families, strict=True)
        ]
        answers = _at_the_same_moment(requests)
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409], (answers, log.read_text()[-3000:])
        loser = next(body for status, body in answers if status == 409)
        assert (
            loser["error"]["code"] == "conflict" and device.asset_tag in loser["error"]["message"]
        )
        db.session.expire_all()
        loans = db.session.execute(
            sa.select(Loan.status, Loan.family_id).where(Loan.device_id == device.id)
        ).all()
        assert len(loans) == 1 and loans[0].status == "reserved"
        assert loans[0].family_id in {f.id for f in families}
        db.session.refresh(device)
        assert (device.status, device.version) == ("reserved", 7)
