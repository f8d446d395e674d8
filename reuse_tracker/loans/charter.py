"""The engagement charter of a loan, as a PDF to sign by pen or already signed on a tablet.

``for_loan`` gathers the facts (one query); ``render`` is pure.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table

from reuse_tracker import clock, documents
from reuse_tracker.devices.models import Device
from reuse_tracker.documents import PLAIN, paragraph
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


def _styles() -> dict[str, ParagraphStyle]:
    """The charter's paragraph styles: a smaller title and headings than the receipt's."""
    return documents.paragraph_styles(
        title={"fontSize": 16, "leading": 20, "spaceAfter": 3 * mm},
        h2={"fontSize": 10.5, "leading": 13, "spaceBefore": 3 * mm, "spaceAfter": 1 * mm},
        small={"fontSize": 8.5, "leading": 11},
        head={"fontSize": 9.5, "leading": 12.5},
    )


def render(data: CharterData, stamp: documents.Stamp | None = None) -> bytes:
    """Return the charter as PDF bytes; ``stamp`` numbers it as an issued document."""
    styles = _styles()

    def p(text: str, style: str = "base") -> Paragraph:
        return paragraph(text, styles[style])

    buffer = io.BytesIO()
    title = _("Engagement charter")
    document = documents.document(
        buffer, A4, stamp, title=f"{title} {data.family}", author=data.programme
    )
    facts = Table(
        [[p(label, "small"), p(value)] for label, value in data.facts],
        colWidths=[45 * mm, None],
        style=PLAIN,
    )
    story = [p(title, "title"), facts]
    for heading, text in data.sections:
        story += [p(heading, "h2"), p(text)]
    story.append(_signatures(data, p))
    footer = f"{title} · {data.family} · {data.loan_id}"
    furniture = documents.numbered_canvas(A4, data.programme, data.family, footer, stamp)
    document.build(story, canvasmaker=furniture)
    return buffer.getvalue()


def issue(loan: Loan, data: CharterData, actor: Any = None) -> IssuedDocument:
    """The charter of ``loan`` as an issued document (a new version once it is signed)."""
    return issuing.issue(
        "charter",
        f"loan:{loan.id}",
        data,
        lambda stamp: render(data, stamp),
        issuer=data.programme,
        actor=actor,
    )


def _signature_cell(data: CharterData, p: Callable[..., Paragraph]) -> list:
    cell = [p(_("The family"), "head"), p(data.parent, "small"), Spacer(1, 2 * mm)]
    if data.signature_png:
        image = Image(io.BytesIO(data.signature_png))
        ratio = min(36 * mm / image.imageWidth, 16 * mm / image.imageHeight)
        image.drawWidth, image.drawHeight = image.imageWidth * ratio, image.imageHeight * ratio
        image.hAlign = "LEFT"
        cell += [image, p(_("Signed on a tablet on %(date)s", date=data.signed_on), "small")]
    else:
        cell += [
            p(_("Date:") + " " + (data.signed_on or "")),
            Spacer(1, 2 * mm),
            p(_("Signature:")),
            Spacer(1, 14 * mm),
        ]
    return cell


def _signatures(data: CharterData, p: Callable[..., Paragraph]) -> KeepTogether:
    def box(title: str) -> list:
        lines = [(p(_("Name:")), 2 * mm), (p(_("Signature:")), 14 * mm)]
        return documents.signature_box(p(title, "head"), lines)

    cells = [
        [
            _signature_cell(data, p),
            box(_("The school")),
            box(_("The association")),
            box(_("The city")),
        ]
    ]
    table = Table(cells, colWidths=[None] * 4, style=documents.boxes(2 * mm, 2 * mm))
    return KeepTogether([p(_("Signatures"), "h2"), table])
