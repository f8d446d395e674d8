"""A big wave's page: its waiting list paged, its proposal summed up and confirmed on the server."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import services as device_services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan
from reuse_tracker.loans.views import WAITING_PER_PAGE as PER_PAGE
from tests.loans.conftest import PARENT, confirmation, proposed_pairs

STALE = (
    "La proposition a changé depuis l'affichage : "
    "vérifiez la nouvelle proposition avant de confirmer."
)


def _waiting_list(html: str) -> list[str]:
    """Return the references of the waiting list's rows, in the page's order."""
    section = html[html.index('aria-labelledby="waiting-title"') :]
    return re.findall(r'<a class="mono text-nowrap" href="/families/([A-Z0-9-]+)"', section)


def _loans() -> list[tuple[str, str]]:
    from reuse_tracker.devices.models import Device
    from reuse_tracker.loans.models import Family

    return db.session.execute(
        sa.select(Family.reference, Device.asset_tag)
        .join(Loan, Loan.family_id == Family.id)
        .join(Device, Device.id == Loan.device_id)
        .order_by(Family.reference)
    ).all()


@pytest.fixture
def big_wave(make_school, make_wave, make_family):
    """Return a wave and its ``number`` waiting laptop families, in referral order."""

    def make(number: int):
        wave = make_wave({"laptop": number}, schools=[make_school()])
        return wave, [make_family(wave, referred_on=date(2026, 9, 1)) for _ in range(number)]

    return make


def test_the_waiting_list_is_paged_and_a_page_past_the_end_shows_the_last(
    client, login, big_wave, ready_stock
):
    login("coordinator")
    wave, families = big_wave(PER_PAGE + 3)
    ready_stock(PER_PAGE + 1)
    references = [family.reference for family in families]
    first = client.get(f"/waves/{wave.id}").text
    assert _waiting_list(first) == references[:PER_PAGE]
    second = client.get(f"/waves/{wave.id}?page=2").text
    assert _waiting_list(second) == references[PER_PAGE:]
    assert f'<td data-label="#">{PER_PAGE + 1}</td>' in second
    assert f'href="/waves/{wave.id}?page=1#waiting-title"' in second
    assert 'aria-current="page">2</a>' in second
    # The pairs shown are those of the page's families; the button confirms them all.
    assert [ref for ref, _ in proposed_pairs(second)] == [references[PER_PAGE]]
    assert f"Confirm {PER_PAGE + 1} reservations" in second
    assert 'id="waiting-title">Waiting list <span class="badge text-bg-secondary">53<' in second
    past = client.get(f"/waves/{wave.id}?page=9").text
    assert _waiting_list(past) == references[PER_PAGE:]
    assert _waiting_list(client.get(f"/waves/{wave.id}?page=x").text) == references[:PER_PAGE]


def test_the_summary_counts_the_whole_proposal_by_type_and_grade(
    client, login, make_school, make_wave, make_family, ready_stock
):
    login("coordinator")
    wave = make_wave({"laptop": 3, "tablet": 2}, schools=[make_school()])
    for kind in ("laptop", "laptop", "laptop", "tablet", "tablet"):
        make_family(wave, device_type=kind)
    ready_stock(2, grades=("A", "C"))
    ready_stock(1, "tablet", grades=(None,))
    html = client.get(f"/waves/{wave.id}").text
    summary = html[
        html.index("data-proposal-summary") : html.index(
            "</table>", html.index("data-proposal-summary")
        )
    ]
    laptops = summary[summary.index('data-type="laptop"') :]
    assert re.search(
        r"Families waiting\">3<.*Devices proposed\">2<.*grade A: 1 · grade C: 1", laptops, re.S
    )
    assert re.search(r"Left waiting\" class=\"fw-semibold text-danger\">1<", laptops)
    tablets = summary[summary.index('data-type="tablet"') :]
    assert re.search(r"Devices proposed\">1<.*ungraded: 1", tablets, re.S)
    assert "2 families stay on the waiting list" in html


def test_confirming_reserves_exactly_the_proposal_the_server_computes(
    client, login, big_wave, ready_stock, make_family
):
    login("coordinator")
    wave, families = big_wave(PER_PAGE + 2)
    tablet = make_family(wave, device_type="tablet")
    ready_stock(PER_PAGE + 1, grades=("B", "A"))
    page = client.get(f"/waves/{wave.id}?page=2").text
    shown = proposed_pairs(client.get(f"/waves/{wave.id}").text) + proposed_pairs(page)
    sent = confirmation(page)
    assert set(sent) == {"csrf_token", "fingerprint", "devices"} and sent["devices"] == "51"
    answer = client.post(f"/waves/{wave.id}/allocate", data=sent, follow_redirects=True)
    assert "51 devices reserved." in answer.text
    assert _loans() == sorted(shown)
    # Grade A first, to the first families referred; the last laptop family and the tablet wait.
    assert shown[0][0] == families[0].reference and len(shown) == PER_PAGE + 1
    assert _waiting_list(answer.text) == [families[-1].reference, tablet.reference]


def test_a_proposal_changed_meanwhile_reserves_nothing_and_shows_the_new_one(
    client, login, french, big_wave, make_wave, make_family, ready_stock
):
    login("coordinator")
    wave, families = big_wave(3)
    devices = ready_stock(3)
    page = client.get(f"/waves/{wave.id}").text
    seen = proposed_pairs(page)
    # Meanwhile another coordinator reserves the first proposed device for another wave.
    elsewhere = make_wave()
    other = make_family(elsewhere)
    device_services.perform(
        devices[0], "reserve", {"family": other.reference, "wave": elsewhere.id}, actor=None
    )
    db.session.commit()
    answer = client.post(
        f"/waves/{wave.id}/allocate",
        data=confirmation(page),
        headers={"Referer": f"/waves/{wave.id}"},
        follow_redirects=True,
    )
    assert STALE in unescape(answer.text)
    assert _loans() == [(other.reference, devices[0].asset_tag)]
    now = proposed_pairs(answer.text)
    assert seen[0][1] == devices[0].asset_tag
    assert now == [
        (families[0].reference, devices[1].asset_tag),
        (families[1].reference, devices[2].asset_tag),
    ]
    assert "Confirmer 2 réservations" in answer.text
    assert (
        client.post(f"/waves/{wave.id}/allocate", data=confirmation(answer.text)).status_code == 302
    )
    assert len(_loans()) == 3


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({}, "fingerprint"),
        ({"fingerprint": "0" * 63, "devices": "1"}, "fingerprint"),
        ({"fingerprint": "g" * 64, "devices": "1"}, "fingerprint"),
        ({"fingerprint": "0" * 64, "devices": "²"}, "devices"),
        ({"fingerprint": "0" * 64, "devices": "0"}, "devices"),
        ({"fingerprint": "0" * 64}, "devices"),
    ],
)
def test_a_missing_or_malformed_proposal_is_refused_naming_its_field(
    client, login, french, big_wave, ready_stock, sent, field
):
    login("coordinator")
    wave, _ = big_wave(1)
    ready_stock(1)
    api = client.post(
        f"/waves/{wave.id}/allocate", data=sent, headers={"Accept": "application/json"}
    )
    assert api.status_code == 422
    assert field in api.json["error"]["fields"]
    page = client.post(
        f"/waves/{wave.id}/allocate",
        data=sent,
        headers={"Referer": f"/waves/{wave.id}"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    label = {"fingerprint": "Proposition affichée", "devices": "Équipements à réserver"}[field]
    assert label in page.text
    assert _loans() == []


def test_a_wrong_fingerprint_of_the_right_shape_is_stale(
    client, login, french, big_wave, ready_stock
):
    login("coordinator")
    wave, _ = big_wave(2)
    ready_stock(2)
    sent = confirmation(client.get(f"/waves/{wave.id}").text)
    for changed in ({"fingerprint": "0" * 64}, {"devices": "1"}):
        answer = client.post(
            f"/waves/{wave.id}/allocate",
            data={**sent, **changed},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 409
        assert answer.json["error"]["message"] == STALE
    assert _loans() == []


def test_a_big_wave_page_runs_the_queries_and_weighs_the_html_of_one_page(
    client, login, count_queries, big_wave, ready_stock
):
    login("coordinator")
    small, _ = big_wave(3)
    big, families = big_wave(300)
    ready_stock(303)
    sizes, counts = [], []
    for wave in (small, big):
        with count_queries() as statements:
            page = client.get(f"/waves/{wave.id}")
        assert page.status_code == 200
        sizes.append(len(page.data))
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    html = page.text
    assert _waiting_list(html) == [family.reference for family in families[:PER_PAGE]]
    assert len(proposed_pairs(html)) == PER_PAGE
    assert html.count('<option value="FAM-') == PER_PAGE
    assert html.count(PARENT) == PER_PAGE
    assert not any(family.reference in html for family in families[PER_PAGE:])
    assert "Confirm 300 reservations" in html
    # One page of rows more than the small wave's three: about 600 bytes a family.
    assert sizes[1] - sizes[0] < (PER_PAGE - 3) * 1_000, sizes


def test_the_waiting_list_leaves_out_the_families_served_here_or_holding_a_loan(
    client, login, make_wave, make_family, make_device
):
    wave, other = make_wave({"laptop": 9}), make_wave({"laptop": 9})
    names = ("new", "returned here", "cancelled here", "lent elsewhere", "returned elsewhere")
    families = {name: make_family(wave) for name in names}
    device = make_device("received")  # the loans' history, written as the query reads it
    for name, in_wave, status in [
        ("returned here", wave, "returned"),
        ("cancelled here", wave, "cancelled"),
        ("lent elsewhere", other, "on_loan"),
        ("returned elsewhere", other, "returned"),
    ]:
        db.session.add(
            Loan(
                family_id=families[name].id, device_id=device.id, wave_id=in_wave.id, status=status
            )
        )
    db.session.commit()
    login("coordinator")
    expected = [
        families[name].reference for name in ("new", "cancelled here", "returned elsewhere")
    ]
    assert _waiting_list(client.get(f"/waves/{wave.id}").text) == expected


def test_the_waiting_list_reads_each_familys_loans_from_indexes(
    client, login, big_wave, ready_stock
):
    # As the wave page sends it: the running loans' condition is written into the SQL, for
    # SQLite to read the partial index of a family's running loan.
    login("coordinator")
    wave, _families = big_wave(3)
    ready_stock(3)
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT families.reference"):
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get(f"/waves/{wave.id}").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    ((statement, parameters),) = sent
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        )
        assert "Seq Scan on loans" not in plan, plan
    else:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plan = "\n".join(row[-1] for row in rows)
        assert "SEARCH loans USING INDEX uq_loans_family_id (family_id=?)" in plan, plan
        assert "ix_loans_family_id_wave_id (family_id=? AND wave_id=?)" in plan, plan
