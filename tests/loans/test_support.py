"""Support sessions and connection offers: on the family page, per association, in the figures."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.loans import support
from reuse_tracker.loans.models import ConnectionOffer, SupportSession


def test_a_session_and_an_offer_are_recorded_on_the_family_page(
    client, login, make_family, make_association
):
    association = make_association("Alis 44")
    family = make_family(association=association)
    login("mediator")
    today = clock.today().isoformat()
    answer = client.post(
        f"/families/{family.reference}/support",
        data={"held_on": today, "kind": "home_visit", "led_by": "Awa (médiatrice)"},
    )
    assert answer.status_code == 302
    client.post(
        f"/families/{family.reference}/connection",
        data={"offer": "Box solidaire du bailleur social", "referred_on": today},
    )
    page = client.get(f"/families/{family.reference}").text
    assert "Awa (médiatrice)" in page and "home visit" in page
    assert 'data-offer="waiting"' in page and "Box solidaire du bailleur social" in page
    offer = db.session.scalar(sa.select(ConnectionOffer))
    client.post(f"/connection-offers/{offer.id}/connected", data={"connected": "1"})
    assert 'data-offer="connected"' in client.get(f"/families/{family.reference}").text
    listed = client.get("/support", query_string={"association": association.id}).text
    assert family.reference in listed and "Awa (médiatrice)" in listed


def test_a_bad_session_names_its_fields_and_changes_nothing(client, login, make_family):
    family = make_family()
    login("mediator")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused = client.post(
        f"/families/{family.reference}/support",
        data={"held_on": tomorrow, "kind": "party"},
        follow_redirects=True,
    )
    assert "cannot be in the future" in refused.text and "must be one of" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(SupportSession.id))) == 0


def test_the_support_figures_count_distinct_families(app_ctx, make_family):
    first, second = make_family(), make_family()
    day = date(2026, 3, 10)
    for family, held_on in ((first, day), (first, day), (second, date(2025, 1, 1))):
        support.add_session(family, {"held_on": held_on, "kind": "workshop", "led_by": "X"}, None)
    support.add_offer(first, {"offer": "Box", "referred_on": day, "is_connected": True}, None)
    support.add_offer(second, {"offer": "Box", "referred_on": day}, None)
    db.session.commit()
    figures = registry().providers["support_figures"]
    assert figures(date(2026, 1, 1), date(2026, 12, 31)) == {
        "families_accompanied": 1,
        "families_connected": 1,
    }
    assert figures(date(2020, 1, 1), date(2030, 1, 1))["families_accompanied"] == 2


def test_workshop_and_viewers_never_reach_support(client, login, make_family):
    family = make_family()
    for role in ("workshop", "viewer"):
        login(role)
        assert client.get("/support").status_code == 403
        answer = client.post(
            f"/families/{family.reference}/support",
            data={"held_on": "2026-01-05", "kind": "workshop", "led_by": "X"},
        )
        assert answer.status_code == 403
