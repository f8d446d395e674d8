"""The device lifecycle: states, actions and their transitions, as data.

Pure module: no Flask, no database. The action service reads this table; so do
the pages (which buttons to show), the API (``allowed_actions``) and the
integrity check (replaying a device's event log).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    IN_WORKSHOP = "in_workshop"
    READY = "ready"
    RESERVED = "reserved"
    ON_LOAN = "on_loan"
    RETURNED = "returned"
    LOST = "lost"
    TRANSFERRED = "transferred"
    HARVESTED = "harvested"
    RECYCLED = "recycled"


FINAL_STATUSES = frozenset({Status.LOST, Status.TRANSFERRED, Status.RECYCLED})


@dataclass(frozen=True)
class Transition:
    """Where an action may start and where it leads (None: the state stays)."""

    sources: frozenset[Status | None]
    target: Status | None

    def leads_from(self, status: Status | None) -> Status | None:
        return self.target if self.target is not None else status


def _t(sources: Iterable[Status | None], target: Status | None = None) -> Transition:
    return Transition(frozenset(sources), target)


S = Status
TRANSITIONS: Mapping[str, Transition] = {
    "intake": _t([None], S.RECEIVED),
    "start_reconditioning": _t([S.RECEIVED, S.RETURNED], S.IN_WORKSHOP),
    "record_erasure": _t([S.IN_WORKSHOP]),
    "record_diagnostics": _t([S.IN_WORKSHOP]),
    "grade": _t([S.IN_WORKSHOP]),
    "install_part": _t([S.IN_WORKSHOP]),
    "harvest_part": _t([S.IN_WORKSHOP]),
    "mark_ready": _t([S.IN_WORKSHOP], S.READY),
    "reserve": _t([S.READY], S.RESERVED),
    "cancel_reservation": _t([S.RESERVED], S.READY),
    "hand_over": _t([S.RESERVED], S.ON_LOAN),
    "return": _t([S.ON_LOAN], S.RETURNED),
    "report_lost": _t([S.ON_LOAN], S.LOST),
    "transfer": _t([S.ON_LOAN], S.TRANSFERRED),
    "harvest": _t([S.RECEIVED, S.IN_WORKSHOP, S.RETURNED], S.HARVESTED),
    "recycle": _t([S.RECEIVED, S.IN_WORKSHOP, S.RETURNED, S.HARVESTED], S.RECYCLED),
    # A typo in the serial, the model or the specs: any state but a final one; the state stays.
    "correct_details": _t(
        [S.RECEIVED, S.IN_WORKSHOP, S.READY, S.RESERVED, S.ON_LOAN, S.RETURNED, S.HARVESTED]
    ),
}

ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)


class TransitionRefused(Exception):
    """An action that the table does not allow from the device's state."""

    def __init__(self, action: str, status: Status | None):
        super().__init__(f"{action} is not allowed from {status}")
        self.action = action
        self.status = status


def is_allowed(action: str, status: Status | str | None) -> bool:
    """Tell whether the table allows ``action`` from ``status``."""
    transition = TRANSITIONS.get(action)
    return transition is not None and (Status(status) if status else None) in transition.sources


def next_status(action: str, status: Status | str | None) -> Status:
    """Return the state ``action`` leads to from ``status``, or raise TransitionRefused."""
    current = Status(status) if status else None
    if not is_allowed(action, current):
        raise TransitionRefused(action, current)
    return TRANSITIONS[action].leads_from(current)


def allowed_actions(status: Status | str | None, among: Iterable[str] = ACTIONS) -> list[str]:
    """List the actions the table allows from ``status``, in table order."""
    wanted = set(among)
    current = Status(status) if status else None
    return [a for a in ACTIONS if a in wanted and current in TRANSITIONS[a].sources]


def replay(actions: Iterable[str]) -> Status | None:
    """Replay a device's event log; return the state it leads to.

    Raises TransitionRefused when the log contains an action that was not
    allowed at that point.
    """
    status: Status | None = None
    for action in actions:
        status = next_status(action, status)
    return status


# --- mark_ready's guards ----------------------------------------------------


@dataclass(frozen=True)
class WorkshopEvent:
    """The part of an event the readiness guards look at."""

    action: str
    payload: Mapping


#: Device types that hold no user data: no erasure is asked of them.
TYPES_WITHOUT_STORAGE = frozenset({"monitor"})


def missing_for_ready(
    events_since_workshop: Iterable[WorkshopEvent], *, has_storage: bool = True
) -> list[str]:
    """List what a device still lacks to be marked ready (empty: it may be).

    Looks only at the events since the device last entered the workshop: a
    verified, passed erasure of each storage that was erased (and no failed one
    since its last pass) unless the device holds no storage, the latest
    diagnostics passed, and a grade.
    """
    erasures: dict[str, bool] = {}
    diagnostics: bool | None = None
    graded = False
    for event in events_since_workshop:
        payload = event.payload
        if event.action == "record_erasure":
            key = payload.get("storage_serial") or ""
            erasures[key] = erasure_counts(payload)
        elif event.action == "record_diagnostics":
            diagnostics = payload.get("result") == "passed"
        elif event.action == "grade":
            graded = True
    missing = []
    if not erasures and has_storage:
        missing.append("erasure")
    elif not all(erasures.values()):
        missing.append("erasure_failed")
    if diagnostics is None:
        missing.append("diagnostics")
    elif not diagnostics:
        missing.append("diagnostics_failed")
    if not graded:
        missing.append("grade")
    return missing


#: ``readiness_gap`` of a device in the workshop that lacks nothing.
NOTHING_MISSING = ""


def readiness_gap(log: Sequence[WorkshopEvent], *, has_storage: bool = True) -> str:
    """Return what a device in the workshop lacks first (``NOTHING_MISSING``: nothing).

    ``log`` is its events, oldest first: the whole log or those since it last entered the
    workshop (``missing_for_ready`` reads the events after the last ``start_reconditioning``).
    """
    starts = [i for i, event in enumerate(log) if event.action == "start_reconditioning"]
    since = log[starts[-1] + 1 :] if starts else log
    missing = missing_for_ready(since, has_storage=has_storage)
    return missing[0] if missing else NOTHING_MISSING


def erasure_counts(payload: Mapping) -> bool:
    """Tell whether an erasure record counts as erased: passed and verified."""
    verified = payload.get("verification") in {"full", "sampling"} or (
        payload.get("method") == "destroy"
    )
    return payload.get("result") == "passed" and verified
