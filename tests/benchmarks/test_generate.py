"""The scale data set: coherent (every log replays, loans match states), reproducible."""

from __future__ import annotations

import sqlalchemy as sa

from benchmarks import generate
from reuse_tracker.devices.services import check_integrity
from reuse_tracker.extensions import db
from reuse_tracker.loans import queries


def test_the_generated_programme_replays_and_its_loans_match_the_devices(app_ctx, client, login):
    url = db.engine.url.render_as_string(hide_password=False)
    assert generate.main(["--database-url", url, "--devices", "600", "--donors", "5"]) == 0

    assert list(check_integrity()) == []
    counts = dict(
        db.session.execute(sa.text("SELECT status, COUNT(*) FROM devices GROUP BY status")).all()
    )
    assert sum(counts.values()) == 600
    assert {"received", "in_workshop", "ready", "on_loan", "recycled"} <= set(counts)
    active = dict(
        db.session.execute(
            sa.text(
                "SELECT status, COUNT(*) FROM loans"
                " WHERE status IN ('reserved', 'on_loan') GROUP BY status"
            )
        ).all()
    )
    assert active.get("on_loan", 0) == counts["on_loan"]
    assert active.get("reserved", 0) == counts.get("reserved", 0)
    mismatched = db.session.scalar(
        sa.text(
            "SELECT COUNT(*) FROM loans JOIN devices ON devices.id = loans.device_id"
            " WHERE loans.status IN ('reserved', 'on_loan') AND loans.status <> devices.status"
        )
    )
    assert mismatched == 0
    # The coordinator's morning: families wait for the open waves, a twentieth for the newest.
    newest = db.session.scalar(sa.text("SELECT MAX(id) FROM waves WHERE is_open"))
    assert queries.waiting_count(newest) == 120 // 20
    # A family with a loan is referred to its loan's wave, as the reservation leaves it.
    assert not db.session.scalar(
        sa.text(
            "SELECT COUNT(*) FROM loans JOIN families ON families.id = loans.family_id"
            " WHERE loans.status IN ('reserved', 'on_loan')"
            " AND families.wave_id IS DISTINCT FROM loans.wave_id"
        )
    )
    login("admin")
    tags = db.session.execute(
        sa.text("SELECT MIN(asset_tag) FROM devices GROUP BY status")
    ).scalars()
    for tag in tags:  # every state's page reads the generated events and loans
        assert client.get(f"/devices/{tag}").status_code == 200, tag
    # A second run into a database that holds devices is refused, and writes nothing.
    assert generate.main(["--database-url", url, "--devices", "10"]) == 1
    assert db.session.scalar(sa.text("SELECT COUNT(*) FROM devices")) == 600
