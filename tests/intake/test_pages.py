"""The donation list and a donation's page: what they show, who sees what, how many queries."""

import re

import pytest


def test_the_list_shows_recent_donations_with_their_device_counts(client, login, make_donation):
    older = make_donation(3, donor="Nantes Métropole")
    newer = make_donation(5, type="monitor", donor="Airbus Atlantic")
    login("viewer")
    page = client.get("/donations").text
    assert page.index(newer.reference) < page.index(older.reference)
    rows = re.findall(
        r"<tr>\s*<td><a[^>]*>(DON-[^<]+)</a></td>\s*<td>([^<]+)</td>.*?"
        r'<td class="text-end">(\d+)</td>',
        page,
        re.S,
    )
    assert rows == [
        (newer.reference, "Airbus Atlantic", "5"),
        (older.reference, "Nantes Métropole", "3"),
    ]
    assert "New donation" not in page  # viewers may not create one


def test_the_list_is_paginated(client, login, make_donation):
    for _ in range(4):
        make_donation(1)
    login("coordinator")
    page = client.get("/donations?per_page=3").text
    assert page.count("DON-2026-") == 3 and 'rel="next"' in page
    assert client.get("/donations?per_page=3&page=2").text.count("DON-2026-") == 1


def test_editors_see_the_buttons_to_record_a_donation(client, login):
    login("workshop")
    page = client.get("/donations").text
    assert 'href="/donations/new"' in page and 'href="/donations/import"' in page


def test_a_donation_page_shows_the_donor_the_counts_and_the_devices(
    french, client, login, make_donation, make_user
):
    tech = make_user("workshop", name="Karim Benali")
    donation = make_donation(
        3, donor="Société Générale d'Équipements", actor=tech, donor_asset_number="SG-1"
    )
    make_donation(2, type="monitor")
    login("mediator")
    page = client.get(f"/donations/{donation.id}").text
    assert donation.reference in page and "Société Générale d&#39;Équipements" in page
    assert "Karim Benali" in page and "2 novembre 2026" in page
    assert re.findall(r">(RT-\d+)</a>", page) == ["RT-000001", "RT-000002", "RT-000003"]
    assert "SN0000000002" in page and "SG-1" in page
    by_type = re.search(r'id="by-type".*?</table>', page, re.S).group(0)
    assert re.search(r">Ordinateur portable</a></th><td>3</td>", by_type)
    assert 'class="badge status-badge status-received"' in page
    assert f'href="/donations/{donation.id}/receipt.pdf"' in page
    assert f'href="/devices?donation={donation.id}"' in page


def test_a_donation_that_does_not_exist_is_not_found(client, login):
    login("viewer")
    assert client.get("/donations/999").status_code == 404


@pytest.mark.parametrize("path", ["/donations", "/donations/{id}", "/donations/{id}/receipt.pdf"])
def test_pages_run_the_same_number_of_queries_for_3_or_30_devices(
    client, login, make_donation, count_queries, path
):
    login("viewer")
    counts = []
    for size in (3, 30):
        donation = make_donation(size, donor=f"Donor of {size}")
        url = path.format(id=donation.id)
        client.get(url)  # warm up: the first request loads what every request loads
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    # The donation page asks the donors feature for its panel; the receipt reads its issued copy.
    assert counts[0] <= 7


def test_the_list_runs_the_same_number_of_queries_for_1_or_12_donations(
    client, login, make_donation, count_queries
):
    login("viewer")
    counts = []
    for extra in (1, 11):
        for _ in range(extra):
            make_donation(2)
        with count_queries() as statements:
            client.get("/donations")
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_signed_out_visitors_cannot_see_donations(client, make_donation):
    donation = make_donation(1)
    for path in (
        "/donations",
        f"/donations/{donation.id}",
        f"/donations/{donation.id}/receipt.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
