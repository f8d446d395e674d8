"""The lifecycle table, pure: every action from every state."""

import pytest

from reuse_tracker.devices import lifecycle
from reuse_tracker.devices.lifecycle import ACTIONS, Status, WorkshopEvent

S = Status
ALLOWED = {
    "intake": {None},
    "start_reconditioning": {S.RECEIVED, S.RETURNED},
    "record_erasure": {S.IN_WORKSHOP},
    "record_diagnostics": {S.IN_WORKSHOP},
    "grade": {S.IN_WORKSHOP},
    "install_part": {S.IN_WORKSHOP},
    "harvest_part": {S.IN_WORKSHOP},
    "mark_ready": {S.IN_WORKSHOP},
    "reserve": {S.READY},
    "cancel_reservation": {S.RESERVED},
    "hand_over": {S.RESERVED},
    "return": {S.ON_LOAN},
    "report_lost": {S.ON_LOAN},
    "transfer": {S.ON_LOAN},
    "harvest": {S.RECEIVED, S.IN_WORKSHOP, S.RETURNED},
    "recycle": {S.RECEIVED, S.IN_WORKSHOP, S.RETURNED, S.HARVESTED},
    # A correction of the details: any state but a final one, the state stays.
    "correct_details": set(Status) - lifecycle.FINAL_STATUSES,
}
TARGETS = {
    "intake": S.RECEIVED,
    "start_reconditioning": S.IN_WORKSHOP,
    "mark_ready": S.READY,
    "reserve": S.RESERVED,
    "cancel_reservation": S.READY,
    "hand_over": S.ON_LOAN,
    "return": S.RETURNED,
    "report_lost": S.LOST,
    "transfer": S.TRANSFERRED,
    "harvest": S.HARVESTED,
    "recycle": S.RECYCLED,
}
STATES = [None, *Status]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATES, ids=lambda s: s or "new")
def test_every_action_from_every_state(action, status):
    if status in ALLOWED[action]:
        assert lifecycle.is_allowed(action, status)
        assert lifecycle.next_status(action, status) == TARGETS.get(action, status)
    else:
        assert not lifecycle.is_allowed(action, status)
        with pytest.raises(lifecycle.TransitionRefused):
            lifecycle.next_status(action, status)


@pytest.mark.parametrize("status", sorted(lifecycle.FINAL_STATUSES))
def test_final_states_allow_nothing(status):
    assert lifecycle.allowed_actions(status) == []


def test_harvested_only_goes_on_to_recycled():
    # Its details may still be corrected; the only move is to recycling.
    assert lifecycle.allowed_actions(S.HARVESTED) == ["recycle", "correct_details"]


def test_replay_gives_the_state_back_and_refuses_a_bad_log():
    log = [
        "intake",
        "start_reconditioning",
        "record_erasure",
        "mark_ready",
        "reserve",
        "hand_over",
        "return",
        "start_reconditioning",
    ]
    assert lifecycle.replay(log) == S.IN_WORKSHOP
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.replay(["intake", "mark_ready"])


ERASED = WorkshopEvent(
    "record_erasure",
    {"method": "purge", "verification": "full", "result": "passed", "storage_serial": "D1"},
)
DIAG_OK = WorkshopEvent("record_diagnostics", {"result": "passed"})
GRADED = WorkshopEvent("grade", {"grade": "B"})


@pytest.mark.parametrize(
    ("events", "missing"),
    [
        ([], ["erasure", "diagnostics", "grade"]),
        ([ERASED, DIAG_OK, GRADED], []),
        (
            [
                WorkshopEvent("record_erasure", {**ERASED.payload, "verification": "none"}),
                DIAG_OK,
                GRADED,
            ],
            ["erasure_failed"],
        ),
        (
            [
                ERASED,
                WorkshopEvent("record_erasure", {**ERASED.payload, "result": "failed"}),
                DIAG_OK,
                GRADED,
            ],
            ["erasure_failed"],
        ),
        (
            [
                WorkshopEvent("record_erasure", {**ERASED.payload, "result": "failed"}),
                ERASED,
                DIAG_OK,
                GRADED,
            ],
            [],
        ),
        (
            [ERASED, DIAG_OK, WorkshopEvent("record_diagnostics", {"result": "failed"}), GRADED],
            ["diagnostics_failed"],
        ),
        (
            [
                WorkshopEvent(
                    "record_erasure",
                    {"method": "destroy", "verification": "none", "result": "passed"},
                ),
                DIAG_OK,
                GRADED,
            ],
            [],
        ),
    ],
)
def test_ready_guards(events, missing):
    assert lifecycle.missing_for_ready(events) == missing


def test_a_monitor_needs_no_erasure_but_a_failed_one_still_counts():
    assert lifecycle.missing_for_ready([DIAG_OK, GRADED], has_storage=False) == []
    failed = WorkshopEvent("record_erasure", {**ERASED.payload, "result": "failed"})
    assert lifecycle.missing_for_ready([failed, DIAG_OK, GRADED], has_storage=False) == [
        "erasure_failed"
    ]


def test_the_readiness_gap_reads_only_the_last_stay_in_the_workshop():
    start = WorkshopEvent("start_reconditioning", {})
    first_stay = [start, ERASED, DIAG_OK, GRADED, WorkshopEvent("mark_ready", {})]
    back = [WorkshopEvent("return_device", {}), start]

    assert lifecycle.readiness_gap(first_stay[:4]) == lifecycle.NOTHING_MISSING
    # Back from a loan, the first stay's erasure no longer counts.
    assert lifecycle.readiness_gap([*first_stay, *back, DIAG_OK]) == "erasure"
    assert lifecycle.readiness_gap([*first_stay, *back, ERASED], has_storage=False) == (
        "diagnostics"
    )
