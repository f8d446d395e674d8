"""What the donor portal and the donor's page read, in a constant number of queries.

A device's fate is told from its status and three kinds of events (erasure, hand-over,
recycling); the hand-over's payload is never read, so no family, school, class or
neighbourhood can reach a donor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date

from reuse_tracker import clock
from reuse_tracker.devices.fields import value_title
from reuse_tracker.devices.lifecycle import Status, erasure_counts
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.i18n import gettext as _
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.vocabulary import TYPE_TITLES

#: The events a fate is told from; the hand-over is only counted.
FATE_ACTIONS = ("record_erasure", "hand_over", "recycle")


@dataclass
class Machine:
    id: int
    donation_id: int
    asset_tag: str
    type: str
    label: str
    serial: str
    status: str
    erased_on: date | None = None
    erased_by: str = ""
    loans: int = 0
    recycled_through: str = ""

    @property
    def type_title(self) -> str:
        return str(TYPE_TITLES.get(self.type, self.type))

    @property
    def fate(self) -> str:
        """What became of the machine, in plain words."""
        return fate_text(self)


@dataclass
class DonationView:
    donation: Donation
    machines: list[Machine] = field(default_factory=list)

    @property
    def erased(self) -> int:
        return sum(1 for machine in self.machines if machine.erased_on)


def fate_text(machine: Machine) -> str:
    parts = []
    status = machine.status
    if status == Status.RECEIVED:
        parts.append(_("Received, waiting for the workshop"))
    elif status == Status.IN_WORKSHOP:
        parts.append(_("Being reconditioned"))
    elif status in (Status.READY, Status.RESERVED):
        parts.append(_("Reconditioned, soon lent to a family"))
    elif status == Status.ON_LOAN:
        parts.append(_("Lent to a family") if machine.loans <= 1 else _("Lent again to a family"))
    elif status == Status.RETURNED:
        parts.append(_("Back from a loan, to be reconditioned again"))
    elif status == Status.TRANSFERRED:
        parts.append(_("Given for good to the family it was lent to"))
    elif status == Status.LOST:
        parts.append(_("Lost during a loan"))
    elif status == Status.HARVESTED:
        parts.append(_("Parts reused to repair other machines"))
    elif status == Status.RECYCLED:
        parts.append(
            _("Recycled through %(channel)s", channel=machine.recycled_through)
            if machine.recycled_through
            else _("Recycled")
        )
    if machine.erased_on:
        parts.append(
            _(
                "data erased on %(date)s by %(method)s",
                date=format_date(machine.erased_on, "long"),
                method=machine.erased_by,
            )
        )
    if machine.loans > 1 and status != Status.ON_LOAN:
        parts.append(_("lent %(n)s times", n=machine.loans))
    return " · ".join(parts)


def donations_of(donor: Donor) -> list[DonationView]:
    """The donor's donations with each machine's fate (three queries)."""
    donations = db.session.scalars(
        sa.select(Donation)
        .where(Donation.donor_id == donor.id)
        .order_by(Donation.received_on.desc(), Donation.id.desc())
    ).all()
    views = {donation.id: DonationView(donation) for donation in donations}
    if not views:
        return []
    rows = db.session.execute(
        sa.select(
            Device.id,
            Device.donation_id,
            Device.asset_tag,
            Device.type,
            Device.brand,
            Device.model,
            Device.serial,
            Device.status,
        )
        .where(Device.donation_id.in_(views))
        .order_by(Device.asset_tag)
    )
    machines = {}
    for id_, donation_id, tag, kind, brand, model, serial, status in rows:
        machine = Machine(id_, donation_id, tag, kind, f"{brand} {model}".strip(), serial, status)
        machines[id_] = machine
        views[donation_id].machines.append(machine)
    _tell_fates(machines, list(views))
    return list(views.values())


def _tell_fates(machines: dict[int, Machine], donation_ids: list[int]) -> None:
    zone = clock.zone()
    events = db.session.execute(
        sa.select(
            DeviceEvent.device_id, DeviceEvent.action, DeviceEvent.payload, DeviceEvent.created_at
        )
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(Device.donation_id.in_(donation_ids), DeviceEvent.action.in_(FATE_ACTIONS))
        .order_by(DeviceEvent.device_id, DeviceEvent.seq)
    )
    for device_id, action, payload, created_at in events:
        machine = machines[device_id]
        if action == "hand_over":
            machine.loans += 1  # the payload (who, where) is never read
        elif action == "recycle":
            machine.recycled_through = str(payload.get("channel") or "")
        elif erasure_counts(payload):
            machine.erased_on = created_at.astimezone(zone).date()
            machine.erased_by = " / ".join(
                filter(
                    None,
                    (
                        value_title("record_erasure", "method", payload.get("method") or ""),
                        payload.get("tool"),
                    ),
                )
            )


def totals(donor: Donor, views: list[DonationView]) -> dict[str, Any]:
    """The donor's totals: from the metrics' ``donor_impact`` provider when there is one."""
    provider = registry(current_app).providers.get("donor_impact")
    if provider is not None:
        return dict(provider(donor.id))
    machines = [machine for view in views for machine in view.machines]
    statuses = Counter(machine.status for machine in machines)
    return {
        "received": len(machines),
        "reused": sum(1 for machine in machines if machine.loans),
        "recycled": statuses[Status.RECYCLED],
        "harvested": statuses[Status.HARVESTED],
    }


def by_type(views: list[DonationView]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for view in views:
        for machine in view.machines:
            counts[machine.type_title] += 1
    return dict(counts)


def donation_panel(donation: Donation, donor: Donor) -> dict[str, Any]:
    """The donation page's donor panel: the donor's review and the portal link (two queries)."""
    from reuse_tracker.donors.models import DonationReview, DonorPortal

    review = db.session.scalar(
        sa.select(DonationReview)
        .where(DonationReview.donation_id == donation.id)
        .order_by(DonationReview.created_at.desc(), DonationReview.id.desc())
        .limit(1)
    )
    return {
        "template": "donors/_donation_panel.html",
        "review": review,
        "state": db.session.get(DonorPortal, donor.id),
        "live": donor.portal_token_hash is not None,
    }
