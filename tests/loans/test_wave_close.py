"""Waves that close cleanly: their waiting families move on in one action; an overdue wave shows."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Family


def test_closing_a_wave_offers_to_move_its_waiting_families(
    client, login, make_school, make_wave, make_family
):
    school, elsewhere = make_school(), make_school()
    closing = make_wave(schools=[school], name="Vague de février")
    target = make_wave(schools=[school], name="Vague de septembre")
    make_wave(schools=[elsewhere], name="Vague d'ailleurs", is_open=False)
    waiting = [make_family(closing, school) for _ in range(2)]
    login("coordinator")
    closed = client.post(f"/waves/{closing.id}/status", data={"open": "0"})
    assert closed.location.endswith(f"/waves/{closing.id}#move-waiting")
    page = client.get(f"/waves/{closing.id}").text
    assert "Move the 2 waiting families to the wave" in page
    assert "Vague de septembre" in page and "Vague d&#39;ailleurs" not in page
    moved = client.post(
        f"/waves/{closing.id}/move-waiting", data={"to": str(target.id)}, follow_redirects=True
    )
    assert "2 families moved to “Vague de septembre”" in moved.text
    db.session.expire_all()
    assert {db.session.get(Family, f.id).wave_id for f in waiting} == {target.id}
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "family.wave_moved")
    ).all()
    assert sorted(e.target for e in entries) == sorted(f"family:{f.reference}" for f in waiting)
    assert all(e.details == {"from_wave": closing.id, "to_wave": target.id} for e in entries)


def test_families_whose_school_is_not_in_the_new_wave_stay(
    client, login, make_school, make_wave, make_family
):
    school, other = make_school(), make_school()
    closing = make_wave(schools=[school, other])
    target = make_wave(schools=[school])
    fits, stays = make_family(closing, school), make_family(closing, other)
    closing.is_open = False
    db.session.commit()
    login("coordinator")
    answer = client.post(
        f"/waves/{closing.id}/move-waiting", data={"to": str(target.id)}, follow_redirects=True
    )
    assert stays.reference in answer.text
    db.session.expire_all()
    assert db.session.get(Family, fits.id).wave_id == target.id
    assert db.session.get(Family, stays.id).wave_id == closing.id


def test_moving_needs_a_closed_wave_an_open_target_and_a_coordinator(
    client, login, make_wave, make_family
):
    open_wave, other = make_wave(), make_wave()
    family = make_family(open_wave)
    login("mediator")
    assert (
        client.post(f"/waves/{open_wave.id}/move-waiting", data={"to": other.id}).status_code == 403
    )
    login("coordinator")
    client.post(f"/waves/{open_wave.id}/move-waiting", data={"to": str(other.id)})
    db.session.expire_all()
    assert db.session.get(Family, family.id).wave_id == open_wave.id


def test_a_wave_past_its_end_is_flagged_on_its_page_and_the_dashboard(client, login, make_wave):
    wave = make_wave(starts_on=clock.today() - timedelta(days=60))
    wave.ends_on = clock.today() - timedelta(days=3)
    db.session.commit()
    login("coordinator")
    assert "data-wave-over" in client.get(f"/waves/{wave.id}").text
    assert "is over but still open" in client.get("/").text
