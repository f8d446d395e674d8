"""Reads the intake feature offers the rest of the application."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import url_for

from reuse_tracker.devices.provenance import Provenance
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor


def provenance(donation_id: int) -> Provenance | None:
    """Return the donation ``donation_id`` as device pages name it (one query)."""
    row = db.session.execute(_provenance(), {"donation": donation_id}).first()
    if row is None:
        return None
    return Provenance(
        row.id,
        row.reference,
        row.name,
        row.received_on,
        url_for("intake.detail", donation_id=row.id),
    )


@lru_cache(maxsize=1)
def _provenance() -> sa.Select:
    """``provenance``'s statement, built once (every device page runs it)."""
    return (
        sa.select(Donation.id, Donation.reference, Donor.name, Donation.received_on)
        .join(Donor, Donor.id == Donation.donor_id)
        .where(Donation.id == sa.bindparam("donation"))
    )


def donation_with_reference(text: str) -> sa.ScalarSelect:
    """The id of the donation whose reference is ``text`` (any case), as a subquery."""
    reference = text.strip().upper()
    return sa.select(Donation.id).where(Donation.reference == reference).scalar_subquery()


#: Donations the device list's filter offers: the latest (older ones by their reference, in the
#: search field). A metropolitan programme holds 20,000: as options, 900 KB of HTML a page.
DONATION_CHOICES = 100


def donation_choices(selected: int | None = None) -> list[tuple[str, str]]:
    """The device list's filter choices: (id, reference) of the latest donations, newest first,
    and the ``selected`` one wherever it falls."""
    latest = sa.select(Donation.id).order_by(Donation.id.desc()).limit(DONATION_CHOICES)
    wanted = Donation.id.in_(latest.scalar_subquery())
    if selected is not None:
        wanted = sa.or_(wanted, Donation.id == selected)
    rows = db.session.execute(
        sa.select(Donation.id, Donation.reference).where(wanted).order_by(Donation.id.desc())
    )
    return [(str(row.id), row.reference) for row in rows]
