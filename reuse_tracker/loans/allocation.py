"""The allocation proposal: the waiting list matched to the ready stock. Pure.

Families are served in referral order; each gets a ready device of the type it
needs, the best grade first (A, then B, then C, then ungraded), and among
equals the one ready the longest.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
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
    since = device.ready_since  # a device of no known time ranks after the others
    return _grade_rank(device.grade), since is None, since or datetime.min, device.asset_tag


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


def best_of(stock: Iterable[ReadyDevice], wanted: Mapping[str, int]) -> list[ReadyDevice]:
    """Return, per device type, the ``wanted[type]`` best-ranked devices of ``stock``.

    By type, then in the order ``propose`` serves them.
    """
    shelves: dict[str, list[ReadyDevice]] = defaultdict(list)
    for device in sorted(stock, key=_device_rank):
        shelf = shelves[device.device_type]
        if len(shelf) < wanted.get(device.device_type, 0):
            shelf.append(device)
    return [device for kind in sorted(shelves) for device in shelves[kind]]


def fingerprint(wave_id: int, pairs: Iterable[Pair]) -> str:
    """Return the SHA-256 (hex) of a wave's proposal: its pairs, in order.

    The confirmation form sends it back instead of the pairs; the server recomputes the
    proposal and reserves it only if the fingerprints agree.
    """
    digest = hashlib.sha256(f"wave {wave_id}\n".encode())
    for pair in pairs:
        digest.update(f"{pair.reference}:{pair.asset_tag}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class TypeSummary:
    """What the proposal gives the families waiting for one device type."""

    device_type: str
    waiting: int
    #: Devices proposed, by grade (None: ungraded).
    by_grade: dict[str | None, int]
    #: Families left waiting: not enough ready devices of this type.
    unserved: int

    @property
    def served(self) -> int:
        return self.waiting - self.unserved


def summary(proposal: Proposal) -> list[TypeSummary]:
    """Sum the proposal up by device type: families waiting, devices by grade, left waiting."""
    grades: dict[str, Counter] = defaultdict(Counter)
    for pair in proposal.pairs:
        grades[pair.device_type][pair.grade] += 1
    unserved = Counter(family.device_type for family in proposal.unserved)
    return [
        TypeSummary(
            kind,
            sum(grades[kind].values()) + unserved[kind],
            dict(sorted(grades[kind].items(), key=lambda item: _grade_rank(item[0]))),
            unserved[kind],
        )
        for kind in sorted(set(grades) | set(unserved))
    ]


def _grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.get(grade or "", len(GRADE_ORDER))
