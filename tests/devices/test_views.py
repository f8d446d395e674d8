"""Device pages: list, search, the device page with its actions and history."""

import re

import pytest
import sqlalchemy as sa
from flask import request, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reuse_tracker import web
from reuse_tracker.devices import views
from reuse_tracker.devices.models import Device
from tests.conftest import PATHS


def test_list_filters_by_status_and_type_and_searches_by_serial(client, login, make_device):
    login("viewer")
    ready, received = make_device("ready"), make_device("received", type="tablet")
    page = client.get("/devices?status=ready").text
    assert ready.asset_tag in page and received.asset_tag not in page
    page = client.get("/devices?type=tablet").text
    assert received.asset_tag in page and ready.asset_tag not in page
    page = client.get(f"/devices?q={ready.serial[:-2].lower()}").text
    assert ready.asset_tag in page


def test_searching_an_exact_tag_opens_the_device(client, login, make_device):
    login("viewer")
    device = make_device()
    response = client.get(f"/devices?q= {device.asset_tag.lower()} ")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/devices/{device.asset_tag}"


def test_the_qr_address_opens_the_device_page_after_login(client, make_device, make_user):
    device = make_device()
    response = client.get(f"/d/{device.asset_tag.lower()}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert f"next=%2Fd%2F{device.asset_tag.lower()}" in response.headers["Location"]


def test_device_page_shows_facts_history_and_the_next_actions(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert device.serial in page
    assert "Reconditioning started" in page
    assert f'action="/devices/{device.asset_tag}/actions/record_erasure"' in page
    assert f'action="/devices/{device.asset_tag}/actions/start_reconditioning"' not in page


def test_a_viewer_sees_no_action_and_cannot_post_one(client, login, make_device):
    login("viewer")
    device = make_device("received")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "/actions/" not in page
    response = client.post(
        f"/devices/{device.asset_tag}/actions/start_reconditioning", data={"version": 1}
    )
    assert response.status_code == 403


def _reload(db_session, device):
    db_session.expire_all()
    return db_session.get(Device, device.id)


def test_an_action_from_the_page_moves_the_device(client, login, make_device, db_session):
    login("workshop")
    device = make_device("received")
    response = client.post(
        f"/devices/{device.asset_tag}/actions/start_reconditioning", data={"version": 1}
    )
    assert response.status_code == 302
    assert _reload(db_session, device).status == "in_workshop"


def test_bad_fields_keep_what_was_typed_and_record_nothing(client, login, make_device, db_session):
    login("workshop")
    device = make_device("in_workshop")
    response = client.post(
        f"/devices/{device.asset_tag}/actions/record_erasure",
        data={"version": 2, "tool": "Blancco Drive Eraser", "method": "purge"},
    )
    assert response.status_code == 422
    assert 'value="Blancco Drive Eraser"' in response.text
    assert re.search(
        r'id="record_erasure-method-purge" value="purge"\s+autocomplete="off" checked',
        response.text,
    )
    assert _reload(db_session, device).version == 2


def test_a_stale_form_is_refused_with_a_message(client, login, make_device, db_session):
    login("workshop")
    device = make_device("in_workshop")
    client.post(f"/devices/{device.asset_tag}/actions/grade", data={"version": 2, "grade": "A"})
    response = client.post(
        f"/devices/{device.asset_tag}/actions/grade",
        data={"version": 2, "grade": "C"},
        follow_redirects=True,
    )
    assert "modifié par quelqu" in response.text or "changed by someone else" in response.text
    assert _reload(db_session, device).grade == "A"


def test_mark_ready_refusal_says_what_is_missing(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    page = client.get(f"/devices/{device.asset_tag}").text
    assert "grade" in page.lower()
    response = client.post(
        f"/devices/{device.asset_tag}/actions/mark_ready",
        data={"version": 2},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "diagnostic" in response.text.lower()


@pytest.mark.parametrize("url", ["/", "/devices", "/devices/{tag}"])
def test_pages_run_a_constant_number_of_queries(
    client, login, make_device, count_queries, db_session, url
):
    login("coordinator")
    first = make_device("ready")

    def count() -> int:
        with count_queries() as statements:
            assert client.get(url.format(tag=first.asset_tag)).status_code == 200
        return len(statements)

    few = count()
    for status in ("ready", "in_workshop", "recycled", "received", "harvested"):
        make_device(status)
    assert count() == few
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Device)) == 6


def test_paths_fixture_reaches_each_state(make_device):
    for status in PATHS:
        assert make_device(status).status == status


def test_a_long_list_counts_a_few_pages_ahead_and_says_more_than(
    client, login, make_donation, monkeypatch
):
    """A million devices cost what a few thousand do: the list counts 20 pages ahead only."""
    from reuse_tracker import database

    monkeypatch.setattr(database, "COUNT_AHEAD_PAGES", 2)
    make_donation(7)
    login("coordinator")
    first = client.get("/devices", query_string={"per_page": 2})
    assert "More than 4 devices" in first.text  # pages 1 and 2 counted, more beyond
    assert 'rel="next"' in first.text and "page=2" in first.text
    last = client.get("/devices", query_string={"per_page": 2, "page": 3})
    assert "7 devices" in last.text and "More than" not in last.text  # the end is in reach
    assert len(re.findall(r'href="/devices/RT-', last.text)) >= 2


def test_the_donation_filter_offers_the_latest_donations_and_the_chosen_one(
    client, login, make_donation, monkeypatch
):
    from reuse_tracker.intake import queries

    monkeypatch.setattr(queries, "DONATION_CHOICES", 2)
    oldest, middle, newest = (make_donation(1) for _ in range(3))
    login("coordinator")

    def offered(**query) -> list[str]:
        page = client.get("/devices", query_string=query).text
        select = page[page.index('id="donation"') :]
        return re.findall(r'<option value="(\d+)"', select[: select.index("</select>")])

    assert offered() == [str(newest.id), str(middle.id)]
    assert offered(donation=oldest.id) == [str(newest.id), str(middle.id), str(oldest.id)]


def test_a_page_shows_as_many_devices_as_asked_up_to_200(client, login, make_donation):
    make_donation(210)
    login("coordinator")

    def shown(per_page) -> int:
        page = client.get("/devices", query_string={"per_page": per_page}).text
        return len(set(re.findall(r'href="/devices/(RT-[^"]+)"', page)))

    assert shown(150) == 150  # more than Flask-SQLAlchemy's own cap of 100
    assert shown(5000) == 200  # the list's maximum


#: The records lists link to through ``web.plain_url``: endpoint, argument.
LINKS = [("devices.detail", "asset_tag"), ("loans.family", "reference")]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tag=st.from_regex(r"[A-Z0-9-]{1,12}", fullmatch=True)
    | st.text(min_size=1, max_size=12).filter(lambda text: "/" not in text),
    script_root=st.sampled_from(["", "/reuse"]),
    link=st.sampled_from(LINKS),
)
def test_a_record_link_is_the_address_url_for_builds(app, tag, script_root, link):
    # Lists build their rows' links from a start found once a request (web.plain_url).
    endpoint, argument = link
    # The mount point goes in base_url: the test environ's SCRIPT_NAME is the builder's own.
    with app.test_request_context("/devices", base_url=f"http://localhost{script_root}/"):
        assert request.script_root == script_root
        for other_endpoint, other_argument in LINKS:  # each list's start, kept side by side
            web.plain_url(other_endpoint, other_argument, "RT-000001")
        expected = url_for(endpoint, **{argument: tag})
        assert web.plain_url(endpoint, argument, tag) == expected
        assert web.plain_url(endpoint, argument, tag) == expected  # kept start
        if endpoint == "devices.detail":
            assert views.device_url(tag) == expected


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    args=st.dictionaries(
        st.sampled_from(["q", "status", "sort", "per_page", "page", "kind", "é x"]),
        st.text(max_size=12),
        max_size=5,
    ),
    number=st.integers(min_value=1, max_value=10**6),
    script_root=st.sampled_from(["", "/reuse"]),
    endpoint=st.sampled_from(["devices.index", "intake.index", "auth.audit"]),
)
def test_a_pager_link_is_the_address_url_for_builds(app, args, number, script_root, endpoint):
    # A pager builds its list's address once and adds each page's number (web.page_urls).
    from urllib.parse import parse_qs, urlsplit

    base_url = f"http://localhost{script_root}/"
    with app.test_request_context("/devices", query_string=args, base_url=base_url):
        assert request.script_root == script_root
        built = urlsplit(web.page_urls(endpoint)(number))
        expected = urlsplit(url_for(endpoint, **dict(args, page=number)))
    assert built.path == expected.path
    assert parse_qs(built.query, keep_blank_values=True) == parse_qs(
        expected.query, keep_blank_values=True
    )
