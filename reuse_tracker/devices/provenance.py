"""Where a device comes from, as the feature that records donations tells it.

The core knows a device's ``donation_id`` and nothing of donations; the intake feature
provides ``provenance`` (``features.add_provider``) so the device pages can name the
donation and its donor without the core importing intake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reuse_tracker.features import registry


@dataclass(frozen=True)
class Provenance:
    """The donation a device came in, as its pages show it."""

    donation_id: int
    reference: str
    donor_name: str
    received_on: date
    #: The donation's page.
    url: str


def of_donation(donation_id: int | None) -> Provenance | None:
    """Return the provenance of the devices of ``donation_id`` (None if unknown)."""
    provide = registry().providers.get("provenance")
    if provide is None or donation_id is None:
        return None
    return provide(donation_id)
