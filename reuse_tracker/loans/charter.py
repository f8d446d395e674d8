"""The engagement charter of a loan, as a PDF to sign by pen or already signed on a tablet.

``for_loan`` gathers the facts (one query); ``charter_pdf.render`` draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale

from reuse_tracker import clock
from reuse_tracker.devices.models import Device
from reuse_tracker.documents import services as issuing
from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans.charter_text import render_sections
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.services import default_due_on

BLANK = "…………………………"


@dataclass(frozen=True)
class CharterData:
    """Everything the charter prints, as plain values."""

    programme: str
    loan_id: int
    family: str
    parent: str
    facts: Sequence[tuple[str, str]]
    sections: Sequence[tuple[str, str]]
    signature_png: bytes | None
    signed_on: str


def for_loan(loan_id: int) -> tuple[Loan, CharterData] | None:
    """Gather what the charter of a loan prints, in the user's language (one query)."""
    row = db.session.execute(
        sa.select(Loan, Family, Device, School, Association, Wave)
        .join(Family, Family.id == Loan.family_id)
        .join(Device, Device.id == Loan.device_id)
        .outerjoin(School, School.id == Family.school_id)
        .outerjoin(
            Association,
            Association.id == sa.func.coalesce(Loan.association_id, Family.association_id),
        )
        .outerjoin(Wave, Wave.id == Loan.wave_id)
        .where(Loan.id == loan_id)
    ).first()
    if row is None:
        return None
    loan, family, device = row[:3]
    context = placeholders(*row)
    serial = _("serial")
    facts = [
        (_("Family"), f"{family.reference} — {context['parent']}"),
        (_("Child's class and school"), f"{context['child_class']} · {context['school']}"),
        (_("Device"), f"{device.asset_tag} · {device.label} · {serial} {device.serial}"),
        (_("Association"), context["association"]),
        (_("To be returned by"), context["due_on"]),
    ]
    signed = loan.charter_signed_on or (loan.signed_at.date() if loan.signed_at else None)
    data = CharterData(
        programme=context["programme"],
        loan_id=loan.id,
        family=family.reference,
        parent=context["parent"],
        facts=facts,
        sections=render_sections(str(get_locale() or "fr"), context),
        signature_png=loan.signature_png,
        signed_on=format_date(signed, "long") if signed else "",
    )
    return loan, data


def placeholders(
    loan: Loan,
    family: Family,
    device: Device,
    school: School | None,
    association: Association | None,
    wave: Wave | None,
) -> dict[str, str]:
    """Return the values of the charter's placeholders for a loan (blanks to fill by pen)."""
    config = current_app.config
    start = loan.charter_signed_on or clock.today()
    due_on = loan.due_on or default_due_on(start)
    return {
        "family": family.reference,
        "parent": family.parent_name or BLANK,
        "child_class": family.child_class or BLANK,
        "school": school.name if school else BLANK,
        "device": device.asset_tag,
        "model": device.label,
        "serial": device.serial,
        "association": association.name if association else BLANK,
        "due_on": format_date(due_on, "long"),
        "duration_months": str(round((due_on - start).days / 30.44)),
        "retention_months": str(round(config.get("FAMILY_RETENTION_DAYS", 365) / 30.44)),
        "wave": wave.name if wave else "",
        "programme": config["PROGRAMME_NAME"],
    }


def issue(loan: Loan, data: CharterData, actor: Any = None) -> IssuedDocument:
    """The charter of ``loan`` as an issued document (a new version once it is signed)."""
    from reuse_tracker.loans import charter_pdf

    return issuing.issue(
        "charter",
        f"loan:{loan.id}",
        data,
        lambda stamp: charter_pdf.render(data, stamp),
        issuer=data.programme,
        actor=actor,
    )
