"""The allocation proposal: the waiting list matched to the ready stock. Pure.

Families are served in referral order; each gets a ready device of the type it
needs, the best grade first (A, then B, then C, then ungraded), and among
equals the one ready the longest.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

GRADE_ORDER = {"A": 0, "B": 1, "C": 2}


@dataclass(frozen=True)
class WaitingFamily:
    """A family of the waiting list, in the order it was referred."""

    reference: str
    device_type: str
    referred_on: date
    #: Breaks ties between families referred the same day (their creation order).
    position: int = 0


@dataclass(frozen=True)
class ReadyDevice:
    asset_tag: str
    device_type: str
    grade: str | None
    ready_since: datetime | None = None


@dataclass(frozen=True)
class Pair:
    reference: str
    asset_tag: str
    device_type: str
    grade: str | None


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Pair, ...]
    #: Families left waiting: no ready device of the type they need.
    unserved: tuple[WaitingFamily, ...]
    #: Ready devices left over.
    spare: tuple[ReadyDevice, ...]


def _device_rank(device: ReadyDevice) -> tuple:
    since = device.ready_since.timestamp() if device.ready_since else float("inf")
    return GRADE_ORDER.get(device.grade or "", len(GRADE_ORDER)), since, device.asset_tag


def waiting_order(families: Iterable[WaitingFamily]) -> list[WaitingFamily]:
    """Return the waiting list in referral order."""
    return sorted(
        families, key=lambda family: (family.referred_on, family.position, family.reference)
    )


def propose(families: Iterable[WaitingFamily], stock: Iterable[ReadyDevice]) -> Proposal:
    """Match each waiting family, in referral order, to the best ready device of its type."""
    shelves: dict[str, deque[ReadyDevice]] = defaultdict(deque)
    for device in sorted(stock, key=_device_rank):
        shelves[device.device_type].append(device)
    pairs: list[Pair] = []
    unserved: list[WaitingFamily] = []
    for family in waiting_order(families):
        shelf = shelves.get(family.device_type)
        if not shelf:
            unserved.append(family)
            continue
        device = shelf.popleft()
        pairs.append(Pair(family.reference, device.asset_tag, device.device_type, device.grade))
    spare = tuple(device for shelf in shelves.values() for device in shelf)
    return Proposal(tuple(pairs), tuple(unserved), spare)


def parse_pairs(raw: Sequence[str]) -> list[tuple[str, str]]:
    """Read the ``REFERENCE:TAG`` pairs a confirmation form sends back; raise ValueError."""
    pairs = []
    for item in raw:
        reference, sep, tag = item.partition(":")
        if not sep or not reference.strip() or not tag.strip():
            raise ValueError(item)
        pairs.append((reference.strip().upper(), tag.strip().upper()))
    return pairs
