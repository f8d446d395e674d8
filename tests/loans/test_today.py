"""One clock: "today" is the programme's date (Europe/Paris), whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db

#: 23:30 UTC on 10 December: already 11 December in Paris (00:30), 11 December 13:30 at UTC+14,
#: and still 10 December 11:30 at UTC-12.
LATE_EVENING = datetime(2026, 12, 10, 23, 30, tzinfo=UTC)
#: 12:00 UTC on 10 December: 10 December in Paris, 11 December 02:00 at UTC+14.
NOON = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


def test_today_is_the_programmes_date_not_the_servers(app_ctx, frozen_clock):
    frozen_clock(LATE_EVENING, tz="Etc/GMT+12")  # POSIX sign: GMT+12 is UTC-12
    assert clock.today() == date(2026, 12, 11)


def test_the_zone_follows_the_configuration(app_ctx, frozen_clock, monkeypatch):
    frozen_clock(LATE_EVENING)
    monkeypatch.setitem(app_ctx.config, "TIMEZONE", "America/Cayenne")
    assert clock.today() == date(2026, 12, 10)
    monkeypatch.setitem(app_ctx.config, "TIMEZONE", "Not/AZone")
    assert clock.today() == date(2026, 12, 11)  # an unknown zone falls back to Paris


@pytest.mark.parametrize("server_zone", ["Etc/GMT-14", "Etc/GMT+12", "UTC"])
def test_a_charter_dated_tomorrow_in_nantes_is_refused_on_any_server(
    device_in,
    frozen_clock,
    server_zone,
):
    frozen_clock(NOON, tz=server_zone)
    device, _family, _wave = device_in("reserved")
    with pytest.raises(ValidationError) as refused:
        services.perform(device, "hand_over", {"charter_signed_on": "2026-12-11"}, actor=None)
    assert "charter_signed_on" in refused.value.fields
    db.session.rollback()


@pytest.mark.parametrize("server_zone", ["Etc/GMT-14", "Etc/GMT+12", "UTC"])
def test_a_charter_signed_today_in_nantes_is_accepted_on_any_server(
    device_in,
    frozen_clock,
    server_zone,
):
    frozen_clock(LATE_EVENING, tz=server_zone)
    device, _family, _wave = device_in("reserved")
    services.perform(device, "hand_over", {"charter_signed_on": "2026-12-11"}, actor=None)
    db.session.commit()
    assert device.status == "on_loan"


def test_events_are_dated_by_the_frozen_clock(make_device, frozen_clock):
    frozen_clock(NOON)
    device = make_device("in_workshop")
    latest = services.events_of(device)[-1]
    assert latest.created_at == NOON
