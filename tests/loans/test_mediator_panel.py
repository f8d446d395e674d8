"""The mediator's dashboard: the association's hand-over days and its overdue loans."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan


def test_the_mediator_sees_the_hand_overs_and_late_loans_of_the_association(
    client, login, make_school, make_association, make_wave, make_family, ready_device, device_in
):
    ours, theirs = make_association("PiNG"), make_association("Naga")
    school = make_school(name="École Jules-Verne (fictive)")
    started = make_wave(schools=[school], starts_on=clock.today() - timedelta(days=2))
    coming = make_wave(schools=[school], starts_on=clock.today() + timedelta(days=20))
    for wave, association in ((started, ours), (coming, ours), (started, theirs)):
        family = make_family(wave, school, association=association)
        services.perform(
            ready_device(), "reserve", {"family": family.reference, "wave": wave.id}, actor=None
        )
    device, late_family, _wave = device_in("on_loan")
    late_family.association_id = ours.id
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    loan.due_on = clock.today() - timedelta(days=9)
    db.session.commit()
    login("mediator")
    page = client.get("/", query_string={"association": ours.id}).text
    assert "data-mediator-panel" in page
    assert f"/handover/{started.id}/{school.id}" in page and "1 device to hand over" in page
    assert f"/handover/{coming.id}/{school.id}" in page
    assert 'data-overdue-total="1"' in page and "9 days late" in page
    # The choice of association is kept for the next visit.
    assert 'data-overdue-total="1"' in client.get("/").text
    other = client.get("/", query_string={"association": theirs.id}).text
    assert 'data-overdue-total="0"' in other


def test_other_roles_do_not_get_the_mediator_panel(client, login):
    login("coordinator")
    assert "data-mediator-panel" not in client.get("/").text
