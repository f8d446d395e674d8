"""The dashboard's wave card: is the stock there for the next wave?"""

from __future__ import annotations

from datetime import timedelta

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db


def _card(html: str) -> str:
    start = html.index('id="next-wave"')
    return html[start : html.index("</section>", start)]


def test_the_next_wave_shows_its_verdict_and_what_is_missing(
    client, login, make_wave, make_family, ready_device, count_queries
):
    make_wave({"laptop": 1}, starts_on=clock.today() + timedelta(days=60), name="Later")
    wave = make_wave(
        {"laptop": 3, "tablet": 1}, starts_on=clock.today() + timedelta(days=10), name="Soon"
    )
    family = make_family(wave)
    device = ready_device()
    services.perform(device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None)
    ready_device()
    db.session.commit()
    login("viewer")
    with count_queries() as few:
        card = _card(client.get("/").text)
    assert "Soon" in card and "Later" not in card and "starts in 10 days" in card
    assert 'data-verdict="short"' in card
    assert "1 of 3 reserved or lent" in card and "1 missing" in card  # 1 reserved, 1 ready
    assert "0 of 1 reserved or lent" in card  # the tablet: none at all
    for _ in range(3):
        ready_device()
    with count_queries() as more:
        card = _card(client.get("/").text)
    assert 'data-verdict="short"' in card  # the tablet is still missing
    assert "2 ready to reserve" in card
    assert len(few) == len(more)


def test_without_a_wave_ahead_the_coordinator_is_invited_to_plan_one(client, login, make_wave):
    make_wave(starts_on=clock.today() - timedelta(days=40), name="Past").ends_on = (
        clock.today() - timedelta(days=20)
    )
    db.session.commit()
    login("coordinator")
    card = _card(client.get("/").text)
    assert "No wave ahead." in card and "Plan a wave" in card
    assert "1 wave is over but still open" in card
    client.post("/logout")
    login("viewer")
    card = _card(client.get("/").text)
    assert "No wave ahead." in card and "Plan a wave" not in card
