"""The closed vocabularies of the programme, each one enum with its titles beside it.

Code compares members of these enums, never bare strings; pages, documents and messages
show the titles. (``Status`` itself lives in the pure lifecycle module, which must not
import Flask; its titles are here with the others.)
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import LazyString

from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.i18n import lazy_gettext as _l

__all__ = [
    "CONDITION_TITLES",
    "LOAN_STATUS_TITLES",
    "ROLE_TITLES",
    "STATUS_TITLES",
    "TYPE_TITLES",
    "Condition",
    "DeviceType",
    "Grade",
    "LoanStatus",
    "Role",
    "Status",
    "title",
]


def title(titles: dict, value: str | None) -> str:
    """Return the title of ``value`` in ``titles``, or the value itself if it has none."""
    found = titles.get(value or "")
    return str(found) if found is not None else (value or "")


STATUS_TITLES: dict[str, LazyString] = {
    Status.RECEIVED: _l("received"),
    Status.IN_WORKSHOP: _l("in the workshop"),
    Status.READY: _l("ready"),
    Status.RESERVED: _l("reserved"),
    Status.ON_LOAN: _l("on loan"),
    Status.RETURNED: _l("returned"),
    Status.LOST: _l("lost"),
    Status.TRANSFERRED: _l("transferred"),
    Status.HARVESTED: _l("harvested"),
    Status.RECYCLED: _l("recycled"),
}


class DeviceType(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    MONITOR = "monitor"
    TABLET = "tablet"
    SMARTPHONE = "smartphone"


TYPE_TITLES: dict[str, LazyString] = {
    DeviceType.LAPTOP: _l("laptop"),
    DeviceType.DESKTOP: _l("desktop"),
    DeviceType.MONITOR: _l("monitor"),
    DeviceType.TABLET: _l("tablet"),
    DeviceType.SMARTPHONE: _l("smartphone"),
}


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class LoanStatus(StrEnum):
    """Where a loan stands; a family waiting has no loan yet (``WAITING`` is its title only)."""

    WAITING = "waiting"
    RESERVED = "reserved"
    ON_LOAN = "on_loan"
    RETURNED = "returned"
    LOST = "lost"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    CLOSED = "closed"


#: The statuses of a loan that holds its device.
ACTIVE_LOAN_STATUSES = (LoanStatus.RESERVED, LoanStatus.ON_LOAN)

LOAN_STATUS_TITLES: dict[str, LazyString] = {
    LoanStatus.WAITING: _l("waiting"),
    LoanStatus.RESERVED: _l("device reserved"),
    LoanStatus.ON_LOAN: _l("on loan"),
    LoanStatus.RETURNED: _l("returned"),
    LoanStatus.LOST: _l("lost"),
    LoanStatus.TRANSFERRED: _l("given to the family"),
    LoanStatus.CANCELLED: _l("reservation cancelled"),
    LoanStatus.CLOSED: _l("loan ended"),
}


class Condition(StrEnum):
    """A device's condition when it comes back from a family."""

    GOOD = "good"
    WORN = "worn"
    DAMAGED = "damaged"
    BROKEN = "broken"


CONDITION_TITLES: dict[str, LazyString] = {
    Condition.GOOD: _l("good"),
    Condition.WORN: _l("worn"),
    Condition.DAMAGED: _l("damaged"),
    Condition.BROKEN: _l("broken, does not work"),
}


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    WORKSHOP = "workshop"
    MEDIATOR = "mediator"
    VIEWER = "viewer"


ROLE_TITLES: dict[str, LazyString] = {
    Role.ADMIN: _l("administrator"),
    Role.COORDINATOR: _l("coordinator"),
    Role.WORKSHOP: _l("workshop technician"),
    Role.MEDIATOR: _l("mediator"),
    Role.VIEWER: _l("viewer"),
}
