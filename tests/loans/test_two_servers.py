"""Two application servers on one database: a race between them still has exactly one winner.

A metropolitan deployment runs several hosts behind a load balancer; nothing may rely on
the state of one process. Two gunicorn servers (two ports, two workers each) serve this
run's database; each reservation of a pair goes to a different server at the same moment.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from tests.loans.test_race import _at_the_same_moment
from tests.servers import gunicorn

ROUNDS = 3


@pytest.fixture
def two_servers(app_ctx, database_url, tmp_path):
    with ExitStack() as stack:
        yield [
            stack.enter_context(gunicorn(database_url, tmp_path / f"server-{n}.log"))
            for n in (1, 2)
        ]


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
