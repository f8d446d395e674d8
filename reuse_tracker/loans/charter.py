"""The engagement charter of a loan, as a PDF to sign by pen or already signed on a tablet.

``for_loan`` gathers the facts (one query); ``render`` is pure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.receipt import BRAND, GREY, LINE, MARGIN, PLAIN, fonts
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
    facts = [
        (_("Family"), f"{family.reference} — {context['parent']}"),
        (_("Child's class and school"), f"{context['child_class']} · {context['school']}"),
        (_("Device"), f"{device.asset_tag} · {device.label} · {_('serial')} {device.serial}"),
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
    start = loan.charter_signed_on or date.today()
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
    regular, bold = fonts()
    base = ParagraphStyle("charter", fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title",
            base,
            fontName=bold,
            fontSize=16,
            leading=20,
            textColor=BRAND,
            spaceAfter=3 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=bold,
            fontSize=10.5,
            leading=13,
            spaceBefore=3 * mm,
            spaceAfter=1 * mm,
        ),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, textColor=GREY),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=9.5),
    }


def render(data: CharterData) -> bytes:
    """Return the charter as PDF bytes."""
    styles = _styles()

    def p(text: str, style: str = "base") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), styles[style])

    buffer = io.BytesIO()
    title = _("Engagement charter")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title} {data.family}",
        author=data.programme,
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
    document.build(story, canvasmaker=_numbered_canvas(data, title))
    return buffer.getvalue()


def _signature_cell(data: CharterData, p) -> list:
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


def _signatures(data: CharterData, p) -> KeepTogether:
    def box(title: str) -> list:
        return [
            p(title, "head"),
            Spacer(1, 2 * mm),
            p(_("Name:")),
            Spacer(1, 2 * mm),
            p(_("Signature:")),
            Spacer(1, 14 * mm),
        ]

    cells = [
        [
            _signature_cell(data, p),
            box(_("The school")),
            box(_("The association")),
            box(_("The city")),
        ]
    ]
    table = Table(
        cells,
        colWidths=[None] * 4,
        style=[
            ("BOX", (0, 0), (-1, -1), 0.6, LINE),
            ("INNERGRID", (0, 0), (-1, -1), 0.6, LINE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
        ],
    )
    return KeepTogether([p(_("Signatures"), "h2"), table])


def _numbered_canvas(data: CharterData, title: str) -> type[canvas.Canvas]:
    """Return a canvas class drawing each page's header and "Page X of Y" footer."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._furniture(number, len(self._pages))
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(fonts()[1], 9)
            self.setFillColor(BRAND)
            self.drawString(MARGIN, height - MARGIN, data.programme)
            self.setFont(fonts()[0], 8)
            self.setFillColor(GREY)
            self.drawRightString(width - MARGIN, height - MARGIN, data.family)
            self.setStrokeColor(LINE)
            self.line(MARGIN, height - MARGIN - 2 * mm, width - MARGIN, height - MARGIN - 2 * mm)
            self.drawString(MARGIN, MARGIN, f"{title} · {data.family} · {data.loan_id}")
            page = _("Page %(page)s of %(total)s", page=number, total=total)
            self.drawRightString(width - MARGIN, MARGIN, page)
            self.restoreState()

    return NumberedCanvas
