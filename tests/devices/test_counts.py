"""The state summary: kept by every change in its transaction, read by the dashboard and stock."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import counts, services
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db


def test_intake_and_every_action_keep_the_summary_equal_to_a_count(make_device, make_donation):
    make_donation(3)  # three laptops in one bulk intake
    make_donation(2, type="desktop")
    for status in ("in_workshop", "ready", "recycled", "harvested"):
        make_device(status)

    assert counts.mismatches() == {}
    summary = {(status, kind): n for status, kind, n in counts.read()}
    assert summary[("received", "laptop")] == 3 and summary[("received", "desktop")] == 2
    assert summary[("ready", "laptop")] == 1 and summary[("recycled", "laptop")] == 1


def test_a_refused_action_leaves_the_summary_as_it_was(make_device):
    device = make_device("in_workshop")
    before = counts.read()
    with pytest.raises(ConflictError):
        services.perform(device, "mark_ready", {}, actor=None)  # nothing recorded yet
    db.session.rollback()
    stale = make_device("received")
    with pytest.raises(ConflictError):
        services.perform(stale, "start_reconditioning", {}, actor=None, expected_version=7)
    db.session.rollback()
    assert sorted(counts.read()) == sorted([*before, ("received", "laptop", 1)])


def test_the_dashboard_and_the_stock_api_read_the_summary(
    client, login, make_device, count_queries
):
    login("coordinator")
    make_device("ready")
    make_device("ready")
    db.session.execute(sa.text("DELETE FROM device_counts"))  # the summary, not the devices
    db.session.execute(
        sa.text("INSERT INTO device_counts (status, type, count) VALUES ('ready', 'laptop', 41)")
    )
    db.session.commit()
    page = client.get("/").text
    assert "41" in page


def test_integrity_finds_a_drifted_summary_and_rebuilds_it(runner, make_device):
    make_device("ready")
    db.session.execute(sa.text("UPDATE device_counts SET count = 5 WHERE status = 'ready'"))
    db.session.commit()

    result = runner.invoke(args=["integrity"])
    assert result.exit_code == 1
    assert "device_counts ready/laptop: 5, devices: 1" in result.output

    result = runner.invoke(args=["integrity", "--rebuild-counts"])
    assert result.exit_code == 0, result.output
    assert counts.mismatches() == {}
    assert runner.invoke(args=["integrity"]).exit_code == 0
