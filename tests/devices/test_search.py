"""The device list: search on five identifiers, filters by grade, donation and workshop step,
sorts; every search term answered from an index on SQLite and PostgreSQL."""

import re

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import search, services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db


def _tags(page: str) -> list[str]:
    return re.findall(r'class="mono fw-semibold" href="/devices/([^"]+)"', page)


@pytest.fixture
def stock(make_donation, make_device, db_session):
    def tag(donation):
        return db_session.scalar(
            sa.select(Device.asset_tag).where(Device.donation_id == donation.id)
        )

    latitude = make_donation(1, model="Latitude 5490", donor_asset_number="BAO-INV-0042")
    thinkpad = make_donation(1, brand="Lenovo", model="ThinkPad T480", serial="PF-1A2B3C")
    graded = make_device("ready")  # grade A, in stock
    return {
        "latitude": (latitude, tag(latitude)),
        "thinkpad": (thinkpad, tag(thinkpad)),
        "graded": graded,
    }


@pytest.mark.parametrize(
    "query, key",
    [
        ("bao inv 0042", "latitude"),  # the donor's inventory number, folded
        ("bao-inv", "latitude"),  # its start
        ("pf1a2b", "thinkpad"),  # a serial's start, any case or dash
        ("thinkpad t4", "thinkpad"),  # a model's start, any case
    ],
)
def test_the_search_finds_each_identifier(client, login, stock, query, key):
    login("viewer")
    page = client.get("/devices", query_string={"q": query}).text
    assert _tags(page) == [stock[key][1]]


def test_a_donation_reference_lists_its_devices(client, login, stock):
    login("viewer")
    donation, tag = stock["thinkpad"]
    page = client.get("/devices", query_string={"q": donation.reference.lower()}).text
    assert _tags(page) == [tag]


def test_filters_by_grade_donation_and_workshop_step(client, login, stock, make_device):
    login("workshop")
    in_workshop = make_device("in_workshop")
    assert _tags(client.get("/devices", query_string={"grade": "A"}).text) == [
        stock["graded"].asset_tag
    ]
    donation, tag = stock["latitude"]
    assert _tags(client.get("/devices", query_string={"donation": donation.id}).text) == [tag]
    page = client.get("/devices", query_string={"step": "erasure"}).text
    assert _tags(page) == [in_workshop.asset_tag]
    to_start = _tags(client.get("/devices", query_string={"step": "to_start"}).text)
    assert set(to_start) == {stock["latitude"][1], stock["thinkpad"][1]}
    assert 'id="step"' in client.get("/devices").text


def test_sorts_by_age_tag_and_model(client, login, stock):
    login("viewer")
    oldest = _tags(client.get("/devices", query_string={"sort": "oldest"}).text)
    newest = _tags(client.get("/devices").text)
    assert oldest == list(reversed(newest)) and oldest == sorted(oldest)
    assert _tags(client.get("/devices", query_string={"sort": "tag"}).text) == sorted(oldest)
    by_model = _tags(client.get("/devices", query_string={"sort": "model"}).text)
    assert by_model[-1] == stock["thinkpad"][1]  # "ThinkPad" after "Latitude"


def test_the_list_runs_a_constant_number_of_queries(client, login, make_donation, count_queries):
    login("viewer")
    make_donation(2)
    query = {"q": "latitude", "grade": "A", "step": "erasure", "sort": "model"}
    with count_queries() as few:
        client.get("/devices", query_string=query)
    make_donation(20)
    with count_queries() as many:
        client.get("/devices", query_string=query)
    assert len(many) == len(few)


def _plan(statement) -> str:
    bind = db.session.get_bind()
    compiled = statement.compile(bind, compile_kwargs={"literal_binds": True})
    if bind.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}")).all()
        return "\n".join(row[0] for row in rows)
    # SQLite plans the statement with its bound parameters, as the application runs it: an
    # expression index is used only when the query's expression has the same constants.
    bound = statement.compile(bind)
    parameters = tuple(bound.params[name] for name in bound.positiontup or ())
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {bound}", parameters)
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize(
    "index, term",
    [
        ("asset_tag", lambda: search.starts_with(Device.asset_tag, "RT-0001")),
        ("serial_key", lambda: search.starts_with(Device.serial_key, "5CG8")),
        (
            "donor_asset_key",
            lambda: search.starts_with(search.folded_key(Device.donor_asset_number), "BAOINV"),
        ),
        ("model_key", lambda: search.starts_with(sa.func.upper(Device.model), "LATITUDE")),
    ],
)
def test_each_search_term_reads_an_index(app_ctx, make_donation, index, term):
    make_donation(3)
    plan = _plan(sa.select(Device.id).where(term()))
    assert "SCAN devices" not in plan and "Seq Scan" not in plan, plan
    assert index in plan, plan


def test_the_whole_search_reads_indexes_only(app_ctx, make_donation):
    make_donation(3)
    condition = search.matching("bao-inv", services.normalise_tag)
    plan = _plan(sa.select(Device.id).where(condition))
    print(plan)  # pytest -s shows the plan of each database
    assert "SCAN devices" not in plan and "Seq Scan" not in plan, plan


def _sent_plan(client, query: dict, *settings: str) -> str:
    """The plan of the list's page query, as the list sends it (PostgreSQL ``settings``)."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT devices.id") and "LIMIT" in statement:
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get("/devices", query_string=query).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    ((statement, parameters),) = sent
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        for setting in ("enable_seqscan = off", *settings):
            connection.exec_driver_sql(f"SET LOCAL {setting}")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    else:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    return "\n".join(str(row[-1]) for row in rows)


def test_a_page_of_search_results_reads_indexes_only(app_ctx, client, login, make_donation):
    """The list's own query, as it is sent: a bound LIMIT made SQLite walk the table instead."""
    make_donation(3)
    login("coordinator")
    plan = _sent_plan(client, {"q": "bao-inv"})
    assert "SCAN devices" not in plan and "Seq Scan" not in plan, plan


@pytest.mark.parametrize("sort", sorted(search.SORTS))
def test_a_search_with_few_matches_is_read_from_its_indexes_then_sorted(
    app_ctx, client, login, make_donation, sort
):
    """Walking the list's order (the primary key backwards) hoping for 50 early matches reads
    the whole table when there are 40 in all: 48 ms at 100,000 devices on PostgreSQL. The
    matches counted first are few, so the page is read from the search's indexes.

    A few test rows do not make a planner misjudge; PostgreSQL is told that sorting costs
    dearly (what its estimate of many matches amounts to), so that only an order no index
    serves keeps it on the search's indexes."""
    make_donation(3, model="Latitude 5490")
    login("coordinator")
    plan = _sent_plan(client, {"q": "latitude", "sort": sort}, "enable_sort = off")
    assert "pk_devices" not in plan and "SCAN devices" not in plan, plan
    assert "model_key" in plan, plan


@pytest.mark.parametrize("sort", sorted(search.SORTS))
def test_a_search_pages_the_same_devices_whether_they_are_few_or_many(
    client, login, make_donation, monkeypatch, sort
):
    """Few matches (all counted) are read in the fenced order, many in the index's: the same
    devices, in the same order, page after page."""
    from reuse_tracker import database

    make_donation(4, model="Latitude 5490")
    make_donation(3, model="Latitude 7490")
    login("coordinator")

    def pages() -> list[str]:
        query = {"q": "latitude", "sort": sort, "per_page": 2}
        return [
            tag
            for number in (1, 2, 3, 4)
            for tag in _tags(client.get("/devices", query_string={**query, "page": number}).text)
        ]

    few = pages()
    monkeypatch.setattr(database, "COUNT_AHEAD_PAGES", 1)  # past page 1: "more than"
    many = pages()
    assert len(few) == 7 and few == many
    if sort == "newest":
        assert few == sorted(few, reverse=True)
