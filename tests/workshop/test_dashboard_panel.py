"""The technician's dashboard: what waits at each step, the oldest first."""

import re


def test_a_technician_sees_the_queue_oldest_first(client, login, make_device):
    login("workshop")
    older, newer = make_device("in_workshop"), make_device("in_workshop")
    page = client.get("/").text
    assert "Your queue at the bench" in page
    erasure = page.split('href="/devices?step=erasure', 1)[1].split("</ol>", 1)[0]
    tags = list(dict.fromkeys(re.findall(r"RT-\d{6}", erasure)))
    assert tags == [older.asset_tag, newer.asset_tag]


def test_other_roles_do_not_get_the_bench_queue(client, login):
    login("viewer")
    assert "Your queue at the bench" not in client.get("/").text


def test_the_dashboard_runs_a_constant_number_of_queries(client, login, make_device, count_queries):
    login("workshop")
    make_device("in_workshop")
    with count_queries() as few:
        client.get("/")
    for _ in range(4):
        make_device("in_workshop")
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few)
