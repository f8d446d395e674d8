"""The workshop board: queues computed in SQL, constant queries, one scan to the next step."""

from datetime import UTC, datetime

import pytest

from reuse_tracker.devices import readiness, services
from reuse_tracker.workshop import board
from tests.plans import query_plan, sequential_scan, sorts
from tests.workshop.helpers import DESTROYED, DIAGNOSED, ERASED, FAILED, GRADED, act, english

#: (steps after start_reconditioning, the column the device must be in)
SCENARIOS = [
    ([], "erasure"),
    ([("record_erasure", FAILED)], "erasure"),
    ([("record_erasure", {**ERASED, "verification": "none"})], "erasure"),
    ([("record_erasure", FAILED), ("record_erasure", ERASED)], "diagnostics"),
    (
        [
            ("record_erasure", {**ERASED, "storage_serial": "A"}),
            ("record_erasure", {**FAILED, "storage_serial": "B"}),
        ],
        "erasure",
    ),
    (
        [
            ("record_erasure", {**FAILED, "storage_serial": "B"}),
            ("record_erasure", {**ERASED, "storage_serial": "A"}),
            ("record_erasure", {**ERASED, "storage_serial": "B"}),
        ],
        "diagnostics",
    ),
    ([("record_erasure", DESTROYED)], "diagnostics"),
    ([("record_erasure", ERASED), ("record_diagnostics", {"result": "failed"})], "diagnostics"),
    (
        [
            ("record_erasure", ERASED),
            ("record_diagnostics", {"result": "failed"}),
            ("record_diagnostics", DIAGNOSED),
        ],
        "grade",
    ),
    ([("record_diagnostics", DIAGNOSED), ("grade", GRADED)], "erasure"),
    (
        [("record_erasure", ERASED), ("record_diagnostics", DIAGNOSED), ("grade", GRADED)],
        "to_mark_ready",
    ),
]
GAP_OF_STEP = {
    "erasure": {"erasure", "erasure_failed"},
    "diagnostics": {"diagnostics", "diagnostics_failed"},
    "grade": {"grade"},
}


def _columns() -> dict[str, set[str]]:
    return {step: {row.asset_tag for row in rows} for step, rows in board.queue().items()}


MONITOR_SCENARIOS = [
    ([], "diagnostics"),
    ([("record_diagnostics", DIAGNOSED)], "grade"),
    ([("record_diagnostics", DIAGNOSED), ("grade", GRADED)], "to_mark_ready"),
]


@pytest.mark.parametrize("kind, scenarios", [("laptop", SCENARIOS), ("monitor", MONITOR_SCENARIOS)])
def test_each_device_stands_where_the_readiness_guards_say(make_device, kind, scenarios):
    placed = []
    for steps, expected in scenarios:
        device = make_device("in_workshop", type=kind)
        for action, data in steps:
            act(device, action, data)
        placed.append((device, expected))
    columns = _columns()
    for device, expected in placed:
        assert device.asset_tag in columns[expected], (expected, columns)
        missing = set(readiness.missing_codes(device))
        first_gap = next(
            (step for step in ("erasure", "diagnostics", "grade") if missing & GAP_OF_STEP[step]),
            "to_mark_ready",
        )
        assert first_gap == expected


def test_received_devices_wait_to_start_and_ready_ones_wait_for_a_family(make_device):
    ready, fresh, received = (
        make_device(status) for status in ("ready", "in_workshop", "received")
    )
    columns = _columns()
    assert ready.asset_tag in columns["ready"] and fresh.asset_tag in columns["erasure"]
    assert received.asset_tag in columns["to_start"]


def test_the_board_shows_queues_waits_and_links_to_the_next_step(
    client, login, make_device, make_user
):
    tech = make_user("workshop", name="Yann Le Bihan")
    login("workshop")
    english(client)
    waiting = make_device("in_workshop")
    act(waiting, "record_erasure", ERASED, tech)
    received = make_device("received")
    page = client.get("/workshop").text
    assert f'href="/devices/{waiting.asset_tag}?open=record_diagnostics"' in page
    assert f'href="/devices/{received.asset_tag}?open=start_reconditioning"' in page
    assert "Yann Le Bihan" in page and "Record data erasure" in page
    assert 'action="/workshop/go"' in page and "autofocus" in page


def test_activity_counts_today_and_this_week_per_technician(make_device, make_user):
    from zoneinfo import ZoneInfo

    yann, sofia = make_user("workshop", name="Yann"), make_user("workshop", name="Sofia")
    device = make_device("received")
    services.perform(
        device, "start_reconditioning", {}, actor=yann, at=datetime(2021, 3, 8, 9, tzinfo=UTC)
    )  # Monday
    services.perform(
        device, "record_erasure", ERASED, actor=yann, at=datetime(2021, 3, 10, 9, tzinfo=UTC)
    )
    services.perform(
        device,
        "record_diagnostics",
        DIAGNOSED,
        actor=sofia,
        at=datetime(2021, 3, 10, 10, tzinfo=UTC),
    )
    services.perform(device, "grade", GRADED, actor=sofia, at=datetime(2021, 3, 5, tzinfo=UTC))
    now = datetime(2021, 3, 10, 15, tzinfo=UTC)
    counted = {
        (a.actor, a.action): (a.today, a.week)
        for a in board.activity(now, ZoneInfo("Europe/Paris"))
    }
    assert counted == {
        ("Yann", "start_reconditioning"): (0, 1),
        ("Yann", "record_erasure"): (1, 1),
        ("Sofia", "record_diagnostics"): (1, 1),
    }


def test_the_board_runs_a_constant_number_of_queries(client, login, make_device, count_queries):
    login("workshop")

    def fill(n: int) -> None:
        for _ in range(n):
            for status in ("received", "in_workshop", "ready"):
                make_device(status)
            device = make_device("in_workshop")
            act(device, "record_erasure", FAILED)

    fill(1)
    with count_queries() as few:
        assert client.get("/workshop").status_code == 200
    fill(8)
    with count_queries() as many:
        assert client.get("/workshop").status_code == 200
    assert len(many) == len(few) and len(few) <= 6


def test_a_column_shows_the_longest_waits_and_counts_the_rest(make_device):
    devices = [make_device("received") for _ in range(4)]
    columns = board.queue(per_step=2)
    assert [row.asset_tag for row in columns["to_start"]] == [d.asset_tag for d in devices[:2]]
    assert columns["to_start"][0].total == 4


def test_one_scan_opens_the_device_at_its_next_step(client, login, make_device):
    login("workshop")
    device = make_device("in_workshop")
    act(device, "record_erasure", ERASED)
    response = client.get(
        "/workshop/go",
        query_string={"code": f"https://reuse.example.org/d/{device.asset_tag.lower()}"},
    )
    assert response.headers["Location"] == (f"/devices/{device.asset_tag}?open=record_diagnostics")
    page = client.get(response.headers["Location"]).text
    assert 'class="collapse show mt-3" id="form-record_diagnostics"' in page


@pytest.mark.parametrize("code", ["hello world", "RT-999999"])
def test_a_scan_of_something_else_goes_back_to_the_board(client, login, code):
    login("workshop")
    response = client.get("/workshop/go", query_string={"code": code})
    assert response.headers["Location"] == "/workshop"


def test_a_viewer_reads_the_board_without_action_links(client, login, make_device):
    login("viewer")
    device = make_device("in_workshop")
    page = client.get("/workshop").text
    assert f'href="/devices/{device.asset_tag}"' in page and "?open=" not in page


def test_mediators_do_not_see_the_board(client, login):
    login("mediator")
    assert client.get("/workshop").status_code == 403


def test_every_column_is_read_from_an_index(app_ctx):
    """At 100,000 devices, scanning the table for the oldest 12 received cost a second, and
    working out the step of the 1,265 devices at the bench from their logs 50 ms."""
    totals = {f"{step}_total": 0 for step in board.STEPS}
    plan = query_plan(board._queue_statement(12).params(**totals))
    scans = [
        line
        for line in plan
        if sequential_scan(line, "devices") or sequential_scan(line, "device_events") or sorts(line)
    ]
    assert not scans, plan
