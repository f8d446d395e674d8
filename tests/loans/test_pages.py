"""The loan pages: waves, allocation, families, schools, associations, hand-over day, overdue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.devices import services
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from tests.loans.conftest import PARENT, confirmation, proposed_pairs, uai


def _no_inline_code(html: str) -> None:
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)


def _populate(wave, school, count, make_family, ready_device, device_in):
    """Add ``count`` waiting families, ready laptops, and reserved devices of the wave."""
    for _ in range(count):
        family = make_family(wave, school)
        ready_device()
        reserved = ready_device()
        services.perform(
            reserved,
            "reserve",
            {"family": make_family(wave, school).reference, "wave": wave.id},
            actor=None,
        )
        assert family.wave_id == wave.id
    db.session.commit()


def test_the_wave_page_runs_a_constant_number_of_queries(
    client, login, count_queries, make_school, make_wave, make_family, ready_device, device_in
):
    login("coordinator")
    school = make_school()
    wave = make_wave({"laptop": 30, "tablet": 2}, schools=[school])
    counts = []
    for more in (1, 4):
        _populate(wave, school, more, make_family, ready_device, device_in)
        with count_queries() as statements:
            page = client.get(f"/waves/{wave.id}")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    html = page.text
    assert "Allocation proposal" in html or "Proposition" in html
    assert len(proposed_pairs(html)) == 5 and PARENT in html
    _no_inline_code(html)


def test_the_families_list_runs_a_constant_number_of_queries(
    client, login, count_queries, make_school, make_wave, make_family, ready_device, device_in
):
    login("mediator")
    school = make_school()
    wave = make_wave(schools=[school])
    counts = []
    for more in (1, 5):
        _populate(wave, school, more, make_family, ready_device, device_in)
        with count_queries() as statements:
            page = client.get("/families")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert page.text.count(PARENT) == 12
    _no_inline_code(page.text)


def test_the_families_list_names_each_familys_school_wave_association_and_loan(
    client, login, make_school, make_wave, make_association, make_family, device_in
):
    # The rows hold ids; the page names them from its filters' lists ("—": none).
    login("coordinator")
    school, wave = make_school(name="École des Tilleuls (fictive)"), make_wave(name="Vague Iris")
    referred = make_family(wave, school, association=make_association("Les Amis (fictive)"))
    alone = make_family()
    _device, lent, _wave = device_in("on_loan")
    html = client.get("/families").text

    def cells(family) -> list[str]:
        row = re.search(rf"<tr>(?:(?!</tr>).)*{family.reference}(?:(?!</tr>).)*</tr>", html, re.S)
        return [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<td" + cell)).strip()
            for cell in row.group(0).split("<td")[1:]
        ]

    assert cells(referred)[2:] == [
        "École des Tilleuls (fictive) · CM1",
        "Vague Iris",
        "a computer",
        "Les Amis (fictive)",
        "waiting",
    ]
    assert cells(alone)[2:] == ["— · CM1", "—", "a computer", "—", "waiting"]
    assert cells(lent)[-1] == "on loan"
    assert html.count('class="badge text-bg-success">on loan</span>') == 1


def test_a_long_list_numbers_its_first_last_and_nearby_pages_only(
    client, login, make_family, monkeypatch
):
    from reuse_tracker.loans import family_views

    monkeypatch.setattr(family_views, "PER_PAGE", 1)
    for _ in range(12):
        make_family()
    login("coordinator")

    def pages(number: int) -> list[str]:
        html = client.get(f"/families?page={number}").text
        nav = html[html.index('<nav aria-label="Pages"') :]
        nav = nav[: nav.index("</nav>")]
        return re.findall(r'class="page-link"[^>]*>([^<]+)<', nav)

    assert pages(6) == ["Previous", "1", "…", "4", "5", "6", "7", "8", "…", "12", "Next"]
    assert pages(1) == ["1", "2", "3", "…", "12", "Next"]
    assert pages(12) == ["Previous", "1", "…", "10", "11", "12"]
    # A gap of one page shows that page rather than "…".
    assert pages(4) == ["Previous", "1", "2", "3", "4", "5", "6", "…", "12", "Next"]
    html = client.get("/families?page=6").text
    assert 'href="/families?page=5" rel="prev"' in html and 'aria-current="page">6</a>' in html


def test_the_families_list_reads_its_newest_families_from_an_index(app_ctx):
    """Sorted, PostgreSQL worked out every family's latest loan before keeping 50 of them."""
    from reuse_tracker.loans import queries
    from tests.plans import query_plan, sorts

    plan = query_plan(queries.families_statement({}).limit(50))
    assert not [line for line in plan if sorts(line)], plan


def test_the_families_list_filters_by_wave_school_and_status(
    client, login, make_school, make_wave, make_family, device_in
):
    login("coordinator")
    school, other_school = make_school(), make_school()
    wave, other_wave = make_wave(), make_wave()
    waiting = make_family(wave, school)
    make_family(other_wave, other_school)
    _device, lent, _lent_wave = device_in("on_loan")

    def refs(**args) -> set[str]:
        page = client.get("/families", query_string=args).text
        return set(re.findall(r"FAM-\d{4}-\d{4}", page))

    assert refs(wave=wave.id) == {waiting.reference}
    assert refs(school=other_school.id) - {waiting.reference} and waiting.reference not in refs(
        school=other_school.id
    )
    assert refs(status="on_loan") == {lent.reference}
    assert lent.reference not in refs(status="waiting") and waiting.reference in refs(
        status="waiting"
    )
    assert refs(wave="99999999999") >= {waiting.reference}  # an impossible number: no filter


def test_creating_a_wave_from_the_page(client, login, make_school):
    login("coordinator")
    school = make_school()
    response = client.post(
        "/waves",
        data={
            "name": "Mars 2021",
            "starts_on": "2031-03-15",
            "ends_on": "2031-03-26",
            "target_laptop": "140",
            "target_desktop": "10",
            "schools": [str(school.id)],
        },
    )
    assert response.status_code == 302
    wave = db.session.scalar(sa.select(Wave))
    assert wave.targets == {"laptop": 140, "desktop": 10} and wave.schools == [school]
    bad = client.post("/waves", data={"name": "", "starts_on": "x", "target_laptop": "-1"})
    assert bad.status_code == 422
    assert 'id="target_laptop"' in bad.text and "is-invalid" in bad.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Wave)) == 1


def test_schools_and_associations_are_added_and_checked(client, login):
    login("coordinator")
    good = client.post(
        "/schools",
        data={
            "name": "École fictive",
            "uai": " 0440001m ",
            "network": "REP",
            "neighbourhood": "Breil",
            "is_priority_neighbourhood": "y",
        },
    )
    assert good.status_code == 302
    school = db.session.scalar(sa.select(School))
    assert (school.uai, school.network, school.is_priority_neighbourhood) == (
        "0440001M",
        "REP",
        True,
    )
    bad = client.post("/schools", data={"name": "Autre", "uai": "0440001N", "network": "REP"})
    assert bad.status_code == 422 and "check letter" in bad.text
    assert "0440001M" in client.get("/schools").text
    assert client.post("/associations", data={"name": "Naga"}).status_code == 302
    again = client.post("/associations", data={"name": "naga"})
    assert again.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association)) == 1


def test_reserving_one_device_from_the_wave_page(
    client, login, make_wave, make_family, ready_device
):
    login("coordinator")
    wave = make_wave()
    family = make_family(wave)
    device = ready_device()
    tag_number = int(device.asset_tag.split("-")[1])
    response = client.post(
        f"/waves/{wave.id}/reserve", data={"code": f"rt{tag_number}", "family": family.reference}
    )
    assert response.status_code == 302
    db.session.refresh(device)
    assert device.status == "reserved"
    refused = client.post(
        f"/waves/{wave.id}/reserve",
        data={"code": device.asset_tag, "family": family.reference},
        headers={"Referer": f"/waves/{wave.id}"},
        follow_redirects=True,
    )
    assert "reserved" in refused.text or "réservé" in refused.text


def test_confirming_the_proposal_reserves_every_pair_shown(
    client, login, make_wave, make_family, ready_device
):
    login("coordinator")
    wave = make_wave()
    families = [make_family(wave) for _ in range(2)]
    devices = [ready_device("laptop", "B"), ready_device("laptop", "A")]
    page = client.get(f"/waves/{wave.id}").text
    assert proposed_pairs(page) == [
        (families[0].reference, devices[1].asset_tag),
        (families[1].reference, devices[0].asset_tag),
    ]
    assert 'name="pair"' not in page
    assert client.post(f"/waves/{wave.id}/allocate", data=confirmation(page)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 2


def test_a_closed_wave_takes_no_reservation(client, login, make_wave, make_family, ready_device):
    login("coordinator")
    wave = make_wave()
    family = make_family(wave)
    device = ready_device()
    assert client.post(f"/waves/{wave.id}/status", data={"open": "0"}).status_code == 302
    db.session.refresh(wave)
    assert wave.is_open is False
    client.post(
        f"/waves/{wave.id}/reserve", data={"code": device.asset_tag, "family": family.reference}
    )
    db.session.refresh(device)
    assert device.status == "ready"
    client.post(f"/waves/{wave.id}/status", data={"open": "1"})
    db.session.refresh(wave)
    assert wave.is_open


def test_hand_over_day_scans_a_device_to_its_family(
    client, login, make_school, make_association, make_wave, make_family, ready_device
):
    login("mediator")
    school, other = make_school(), make_school()
    association = make_association("Accoord")
    wave = make_wave(schools=[school, other])
    family = make_family(wave, school, association=association)
    device, elsewhere = ready_device(), ready_device()
    services.perform(device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None)
    services.perform(
        elsewhere,
        "reserve",
        {"family": make_family(wave, other).reference, "wave": wave.id},
        actor=None,
    )
    db.session.commit()
    page = client.get(f"/handover/{wave.id}/{school.id}").text
    assert family.reference in page and device.asset_tag in page and PARENT in page
    assert elsewhere.asset_tag not in page
    _no_inline_code(page)
    wrong = client.post(
        f"/handover/{wave.id}/{school.id}",
        data={"code": elsewhere.asset_tag},
        follow_redirects=True,
    )
    assert elsewhere.asset_tag in wrong.text
    response = client.post(
        f"/handover/{wave.id}/{school.id}",
        data={
            "code": device.asset_tag,
            "charter_paper": "1",
            "charter_signed_on": clock.today().isoformat(),
            "association": str(association.id),
        },
    )
    assert response.status_code == 302
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    assert (loan.status, loan.association_id, loan.charter_signed_on) == (
        "on_loan",
        association.id,
        clock.today(),
    )
    db.session.refresh(elsewhere)
    assert elsewhere.status == "reserved"


def test_overdue_loans_are_listed_with_the_contact(client, login, device_in):
    device, family, _ = device_in("on_loan")
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    loan.due_on = clock.today() - timedelta(days=3)
    db.session.commit()
    login("mediator")
    page = client.get("/loans/overdue").text
    assert family.reference in page and PARENT in page and "06 39 98 12 34" in page
    loan.due_on = clock.today() + timedelta(days=3)
    db.session.commit()
    assert family.reference not in client.get("/loans/overdue").text


def _overdue_loan(device_in, association=None, school=None, days=3):
    device, family, _ = device_in("on_loan")
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    loan.due_on = clock.today() - timedelta(days=days)
    family.association_id = association.id if association else None
    family.school_id = school.id if school else None
    db.session.commit()
    return family


def test_overdue_loans_by_association_and_school_page_by_page(
    client, login, count_queries, device_in, make_association, make_school, monkeypatch
):
    from reuse_tracker.loans import handover_views

    monkeypatch.setattr(handover_views, "OVERDUE_PER_PAGE", 2)
    accord, relais = make_association("Accord"), make_association("Relais")
    school = make_school()
    ours = [_overdue_loan(device_in, accord, days=days) for days in (30, 20, 10)]
    theirs = _overdue_loan(device_in, relais, school)
    alone = _overdue_loan(device_in)
    login("mediator")
    page = client.get("/loans/overdue").text
    assert "5 loans past their due date" in page
    assert "Accord" in page and "No association" in page
    first = client.get(f"/loans/overdue?association={accord.id}").text
    assert "3 loans past their due date" in first
    assert [f.reference in first for f in ours] == [True, True, False]  # the oldest first
    assert theirs.reference not in first and alone.reference not in first
    second = client.get(f"/loans/overdue?association={accord.id}&page=2").text
    assert ours[2].reference in second and ours[0].reference not in second
    by_school = client.get(f"/loans/overdue?school={school.id}").text
    assert theirs.reference in by_school and "1 loan past its due date" in by_school
    empty = client.get(f"/loans/overdue?school={school.id}&association={accord.id}").text
    assert "No overdue loan matches." in empty
    with count_queries() as few:
        client.get("/loans/overdue")
    for _ in range(3):
        _overdue_loan(device_in, relais)
    with count_queries() as more:
        client.get("/loans/overdue")
    assert len(few) == len(more)


def test_referring_and_editing_a_family(client, login, make_school, make_wave, make_association):
    user = login("mediator")
    school, wave = make_school(), make_wave()
    base = {
        "association": str(make_association().id),
        "referral_source": "school",
        "referred_on": "2021-01-05",
        "school": str(school.id),
        "child_class": "CE2",
        "needs": ["computer", "support"],
        "device_type": "laptop",
        "wave": str(wave.id),
        "parent_name": "Parent Fictif",
        "phone": "06 39 98 00 01",
        "neighbourhood": "",
        "email": "",
        "address": "",
    }
    refused = client.post("/families/new", data=base)
    assert refused.status_code == 422 and "consent" in refused.text
    response = client.post("/families/new", data={**base, "consent": "y"})
    assert response.status_code == 302
    family = db.session.scalar(sa.select(Family))
    assert (family.reference, family.needs, family.consent_by_id) == (
        "FAM-2021-0001",
        ["computer", "support"],
        user.id,
    )
    assert response.headers["Location"].endswith(f"/families/{family.reference}")
    form = client.get(f"/families/{family.reference}/edit").text
    assert 'value="Parent Fictif"' in form
    client.post(
        f"/families/{family.reference}/edit", data={**base, "phone": "", "child_class": "CM1"}
    )
    db.session.refresh(family)
    assert (family.child_class, family.phone, family.consent_on is not None) == ("CM1", None, True)


@pytest.mark.parametrize("path", ["/waves", "/schools", "/associations", "/families"])
@pytest.mark.parametrize("role", ["viewer", "workshop", "mediator"])
def test_list_pages_open_for_every_reader_without_editing_forms(client, login, path, role):
    login(role)
    page = client.get(path)
    assert page.status_code == 200
    assert (
        'method="post"' not in page.text.split("</header>", 1)[1].replace('action="/logout"', "")
        or path == "/families"
    )
    _no_inline_code(page.text)


def test_the_school_codes_of_the_tests_are_valid():
    from reuse_tracker.loans.uai import uai_problem

    assert all(uai_problem(uai(n)) is None for n in range(1, 30))
