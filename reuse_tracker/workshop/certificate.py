"""The data-erasure certificate of a donation: what became of every disk of every machine.

``for_donation`` gathers the facts in three queries (donation, devices, their erasure events);
``certificate_pdf.render`` draws them. Only a passed, verified erasure (or a destruction)
counts: a device without one is listed as pending.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from reuse_tracker import clock
from reuse_tracker.auth.models import User
from reuse_tracker.devices.lifecycle import TYPES_WITHOUT_STORAGE, erasure_counts
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.documents import services as issuing
from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.errors import ConflictError, NotFoundError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake.models import Donation, Donor


@dataclass(frozen=True)
class Disk:
    """The latest erasure record of one storage medium."""

    serial: str
    model: str
    size_gb: int | None
    method: str
    technique: str
    tool: str
    verification: str
    result: str
    on: date
    technician: str

    @property
    def counts(self) -> bool:
        return erasure_counts(
            {"method": self.method, "result": self.result, "verification": self.verification}
        )

    @property
    def destroyed(self) -> bool:
        return self.counts and self.method == "destroy"


@dataclass
class Machine:
    tag: str
    type: str
    brand: str
    model: str
    serial: str
    disks: list[Disk] = field(default_factory=list)

    @property
    def state(self) -> str:
        """erased, destroyed, pending or no_storage."""
        if not self.disks:
            return "no_storage" if self.type in TYPES_WITHOUT_STORAGE else "pending"
        if not all(disk.counts for disk in self.disks):
            return "pending"
        return "destroyed" if all(disk.destroyed for disk in self.disks) else "erased"


CERTIFIED = frozenset({"erased", "destroyed"})


@dataclass(frozen=True)
class CertificateData:
    programme: str
    workshop: str
    reference: str
    received_on: date
    donor_name: str
    donor_siret: str | None
    issued_on: date
    issuer: str
    issuer_role: str
    machines: Sequence[Machine]
    #: The lead named in the configuration (a change there issues a new version).
    signatory: str = ""

    @property
    def certified(self) -> list[Machine]:
        """The devices whose every medium was erased (verified) or destroyed."""
        return [machine for machine in self.machines if machine.state in CERTIFIED]


def for_donation(donation_id: int, user: User | None, today: date) -> CertificateData:
    """Gather the certificate of a donation; raise NotFoundError if there is none."""
    row = db.session.execute(
        sa.select(Donation, Donor).join(Donor).where(Donation.id == donation_id)
    ).first()
    if row is None:
        raise NotFoundError(_l("No donation has the number %(id)s.", id=donation_id))
    donation, donor = row
    machines = _machines(donation.id)
    config = current_app.config
    lead = config.get("WORKSHOP_LEAD") or os.environ.get("WORKSHOP_LEAD", "")
    role = config.get("WORKSHOP_LEAD_ROLE") or os.environ.get("WORKSHOP_LEAD_ROLE", "")
    return CertificateData(
        programme=config["PROGRAMME_NAME"],
        workshop=config.get("WORKSHOP_NAME", ""),
        reference=donation.reference,
        received_on=donation.received_on,
        donor_name=donor.name,
        donor_siret=donor.siret,
        issued_on=today,
        issuer=lead or (user.name if user else ""),
        issuer_role=role or str(_l("Workshop lead")),
        machines=machines,
        signatory=f"{lead} {role}".strip(),
    )


def issue(data: CertificateData, donation_id: int, actor: Any = None) -> IssuedDocument:
    """The certificate as an issued document; refuse it when nothing was erased yet.

    More devices erased later issue a new version; the earlier one stays verifiable.
    """
    from reuse_tracker.workshop import certificate_pdf

    if not data.certified:
        raise ConflictError(
            _l(
                "Nothing of donation %(reference)s has been erased yet: no erasure certificate "
                "is issued until at least one device is.",
                reference=data.reference,
            )
        )
    return issuing.issue(
        "erasure_certificate",
        f"donation:{donation_id}",
        data,
        lambda stamp: certificate_pdf.render(data, stamp),
        issuer=data.workshop or data.programme,
        actor=actor,
    )


def _machines(donation_id: int) -> list[Machine]:
    """Return the donation's devices with the latest erasure of each of their disks."""
    devices = db.session.execute(
        sa.select(
            Device.id, Device.asset_tag, Device.type, Device.brand, Device.model, Device.serial
        )
        .where(Device.donation_id == donation_id)
        .order_by(Device.asset_tag)
    )
    machines = {
        id_: Machine(tag, kind, brand, model, serial)
        for id_, tag, kind, brand, model, serial in devices
    }
    zone = clock.zone()
    latest: dict[tuple[int, str], Disk] = {}
    for device_id, payload, created_at, technician in _erasures(donation_id):
        latest[(device_id, payload.get("storage_serial") or "")] = _disk(
            payload, created_at.astimezone(zone), technician
        )
    for (device_id, _serial), disk in latest.items():
        machines[device_id].disks.append(disk)
    return list(machines.values())


def _erasures(donation_id: int) -> sa.Result:
    return db.session.execute(
        sa.select(DeviceEvent.device_id, DeviceEvent.payload, DeviceEvent.created_at, User.name)
        .join(Device, Device.id == DeviceEvent.device_id)
        .outerjoin(User, User.id == DeviceEvent.actor_id)
        .where(Device.donation_id == donation_id, DeviceEvent.action == "record_erasure")
        .order_by(DeviceEvent.device_id, DeviceEvent.seq)
    )


def _disk(payload: dict, created_at: datetime, technician: str | None) -> Disk:
    ended = payload.get("ended_at")
    on = datetime.fromisoformat(ended).date() if ended else created_at.date()
    tool = " ".join(filter(None, (payload.get("tool"), payload.get("tool_version"))))
    if payload.get("tool_method"):
        tool = f"{tool} ({payload['tool_method']})"
    return Disk(
        serial=payload.get("storage_serial") or "",
        model=payload.get("storage_model") or "",
        size_gb=payload.get("storage_size_gb"),
        method=payload.get("method", ""),
        technique=payload.get("technique", ""),
        tool=tool,
        verification=payload.get("verification", ""),
        result=payload.get("result", ""),
        on=on,
        technician=technician or "",
    )
