"""Is the stock there for a wave? The calculation, on plain numbers. Pure.

Per device type: what the wave still needs (its target less the devices already
reserved or handed over for it), the ready stock, and how many of the devices
still in the workshop it will likely turn out before the wave starts, at its
recent pace (``mark_ready`` events per day over a window, times the days left,
capped by what is in the workshop).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

#: The verdict per type: enough ready now, likely enough in time, or short.
GO, LIKELY, SHORT = "go", "likely", "short"


@dataclass(frozen=True)
class TypeReadiness:
    """The figures of one device type for one wave."""

    device_type: str
    target: int
    #: Devices reserved or handed over for this wave.
    reserved: int
    #: Ready devices, not yet reserved for anyone.
    ready: int
    #: Devices in the workshop's hands (received, in the workshop or returned).
    in_workshop: int
    #: Of those, how many the workshop will likely make ready before the wave starts.
    likely_in_time: int
    #: What the wave still needs: target less reserved.
    needed: int
    #: What the ready stock does not cover now.
    shortfall: int
    #: What the ready stock and the likely output together do not cover.
    expected_shortfall: int

    @property
    def verdict(self) -> str:
        if self.shortfall == 0:
            return GO
        return LIKELY if self.expected_shortfall == 0 else SHORT


@dataclass(frozen=True)
class Readiness:
    """A wave's figures for every device type it targets, and the overall verdict."""

    types: tuple[TypeReadiness, ...]
    days_until_start: int
    window_days: int

    @property
    def is_go(self) -> bool:
        return all(row.verdict == GO for row in self.types)

    @property
    def verdict(self) -> str:
        verdicts = {row.verdict for row in self.types}
        if verdicts <= {GO}:
            return GO
        return SHORT if SHORT in verdicts else LIKELY


def likely_ready(
    made_ready_in_window: int, window_days: int, days_until_start: int, in_workshop: int
) -> int:
    """Estimate how many workshop devices will be ready in time, at the recent pace."""
    if window_days <= 0 or days_until_start <= 0:
        return 0
    per_day = made_ready_in_window / window_days
    return min(in_workshop, math.floor(per_day * days_until_start + 1e-9))


def readiness(
    targets: Mapping[str, int],
    *,
    ready: Mapping[str, int],
    reserved: Mapping[str, int],
    in_workshop: Mapping[str, int],
    made_ready: Mapping[str, int],
    days_until_start: int,
    window_days: int = 28,
) -> Readiness:
    """Return the readiness of a wave from its targets and the stock counts by type.

    ``made_ready`` counts the ``mark_ready`` events of each type over the last
    ``window_days`` days; types without a target are left out.
    """
    days = max(0, days_until_start)
    rows = []
    for kind, target in targets.items():
        booked = reserved.get(kind, 0)
        workshop = in_workshop.get(kind, 0)
        needed = max(0, target - booked)
        stock = ready.get(kind, 0)
        likely = likely_ready(made_ready.get(kind, 0), window_days, days, workshop)
        rows.append(
            TypeReadiness(
                device_type=kind,
                target=target,
                reserved=booked,
                ready=stock,
                in_workshop=workshop,
                likely_in_time=likely,
                needed=needed,
                shortfall=max(0, needed - stock),
                expected_shortfall=max(0, needed - stock - likely),
            )
        )
    return Readiness(tuple(rows), days, window_days)
