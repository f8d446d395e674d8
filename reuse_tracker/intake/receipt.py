"""The intake receipt: the PDF a donor's asset manager files to write the machines off.

``for_donation`` gathers the facts (two queries in all with the page's); ``render`` is pure.
"""

from __future__ import annotations

import functools
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.registration import TYPE_TITLES
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor

#: Fonts tried in turn: DejaVu (Debian's fonts-dejavu-core) covers œ, € and more; Vera ships
#: with reportlab; Helvetica is the last resort (Latin-1 only).
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).parent / "fonts"
FONT_FILES = (
    (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    (_VERA / "Vera.ttf", _VERA / "VeraBd.ttf"),
)
MARGIN = 18 * mm
GREY = colors.HexColor("#555555")
PLAIN = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8b8b8")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1ed")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)
LINE = colors.HexColor("#b8b8b8")
BRAND = colors.HexColor("#0b6e4f")


@dataclass(frozen=True)
class ReceiptData:
    """Everything the receipt prints, as plain values."""

    programme: str
    workshop: str
    reference: str
    received_on: date
    received_by: str
    notes: str
    donor_name: str
    donor_siret: str | None
    donor_address: str | None
    donor_contact: Sequence[str]
    #: (asset tag, type, brand, model, serial, donor asset number) per device.
    devices: Sequence[tuple[str, str, str, str, str, str | None]]


def for_donation(donation: Donation, donor: Donor, received_by: User | None) -> ReceiptData:
    """Gather what the receipt of ``donation`` prints; the devices come in one query."""
    devices = db.session.execute(
        sa.select(
            Device.asset_tag,
            Device.type,
            Device.brand,
            Device.model,
            Device.serial,
            Device.donor_asset_number,
        )
        .where(Device.donation_id == donation.id)
        .order_by(Device.asset_tag)
    ).all()
    contact = (donor.contact_name, donor.contact_email, donor.contact_phone)
    return ReceiptData(
        programme=current_app.config["PROGRAMME_NAME"],
        workshop=current_app.config.get("WORKSHOP_NAME", ""),
        reference=donation.reference,
        received_on=donation.received_on,
        received_by=received_by.name if received_by else "",
        notes=donation.notes,
        donor_name=donor.name,
        donor_siret=donor.siret,
        donor_address=donor.address,
        donor_contact=[line for line in contact if line],
        devices=devices,
    )


@functools.cache
def fonts() -> tuple[str, str]:
    """Register the first usable font family; return its regular and bold names."""
    for regular, bold in FONT_FILES:
        if not (regular.is_file() and bold.is_file()):
            continue
        try:
            pdfmetrics.registerFont(TTFont("ReceiptSans", str(regular)))
            pdfmetrics.registerFont(TTFont("ReceiptSans-Bold", str(bold)))
        except TTFError:
            continue
        pdfmetrics.registerFontFamily(
            "ReceiptSans",
            normal="ReceiptSans",
            bold="ReceiptSans-Bold",
            italic="ReceiptSans",
            boldItalic="ReceiptSans-Bold",
        )
        return "ReceiptSans", "ReceiptSans-Bold"
    return "Helvetica", "Helvetica-Bold"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title",
            base,
            fontName=bold,
            fontSize=17,
            leading=21,
            textColor=BRAND,
            spaceAfter=2 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=8.5, leading=10.5),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, textColor=GREY),
    }


def _p(text: str | None, style: str = "base") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), _styles()[style])


def render(data: ReceiptData) -> bytes:
    """Return the receipt as PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{_('Intake receipt')} {data.reference}",
        author=data.programme,
        subject=data.donor_name,
    )
    story = [*_heading(data), *_devices(data), *_counts(data), _signatures(data)]
    document.build(story, canvasmaker=_numbered_canvas(data))
    return buffer.getvalue()


def _heading(data: ReceiptData) -> list:
    facts = [
        (_("Receipt number"), data.reference),
        (_("Received on"), format_date(data.received_on, "long")),
        (_("Received by"), ", ".join(filter(None, [data.received_by, data.workshop]))),
        (_("Issued on"), format_date(date.today(), "long")),
    ]
    left = Table(
        [[_p(label, "small"), _p(value)] for label, value in facts],
        colWidths=[30 * mm, 55 * mm],
        style=PLAIN,
    )
    donor_lines = [f"<b>{escape(data.donor_name)}</b>"]
    if data.donor_siret:
        donor_lines.append(escape(_("SIRET %(siret)s", siret=data.donor_siret)))
    donor_lines += [escape(line) for line in (data.donor_address or "").splitlines() if line]
    donor_lines += [escape(line) for line in data.donor_contact if line]
    right = [_p(_("Donor"), "small"), Paragraph("<br/>".join(donor_lines), _styles()["base"])]
    top = Table([[left, right]], colWidths=[88 * mm, None], style=PLAIN)
    statement = ngettext(
        "%(programme)s acknowledges that it has taken charge of the device listed below, given "
        "by %(donor)s. The data it holds will be erased before any reuse; an erasure "
        "certificate will be issued separately.",
        "%(programme)s acknowledges that it has taken charge of the %(num)s devices listed "
        "below, given by %(donor)s. The data they hold will be erased before any reuse; an "
        "erasure certificate will be issued separately.",
        len(data.devices),
        programme=data.programme,
        donor=data.donor_name,
    )
    story = [_p(_("Intake receipt"), "title"), top, Spacer(1, 4 * mm), _p(statement)]
    if data.notes:
        story += [Spacer(1, 2 * mm), _p(_("Notes: %(notes)s", notes=data.notes), "small")]
    return story


def _devices(data: ReceiptData) -> list:
    head = (_("No."), _("Asset tag"), _("Type"), _("Brand and model"), _("Serial number"))
    rows = [[_p(text, "head") for text in (*head, _("Donor asset number"))]]
    for number, (tag, kind, brand, model, serial, donor_number) in enumerate(data.devices, 1):
        cells = (str(number), tag, _type_title(kind), f"{brand} {model}", serial, donor_number)
        rows.append([_p(text or "—", "cell") for text in cells])
    widths = [11 * mm, 27 * mm, 22 * mm, None, 38 * mm, 30 * mm]
    table = Table(rows, repeatRows=1, colWidths=widths, style=GRID)
    return [_p(_("Devices"), "h2"), table]


def _counts(data: ReceiptData) -> list:
    counts = Counter(kind for _tag, kind, *_rest in data.devices)
    rows = [[_p(_("Type"), "head"), _p(_("Number"), "head")]]
    rows += [
        [_p(_type_title(kind), "cell"), _p(str(count), "cell")]
        for kind, count in sorted(counts.items())
    ]
    rows.append([_p(_("Total"), "head"), _p(str(len(data.devices)), "head")])
    table = Table(rows, colWidths=[50 * mm, 25 * mm], hAlign="LEFT", style=GRID)
    return [KeepTogether([_p(_("Summary by type"), "h2"), table])]


def _signatures(data: ReceiptData) -> KeepTogether:
    def box(title: str) -> list:
        return [
            _p(title, "head"),
            Spacer(1, 2 * mm),
            _p(_("Name:")),
            Spacer(1, 4 * mm),
            _p(_("Date:")),
            Spacer(1, 4 * mm),
            _p(_("Signature:")),
            Spacer(1, 22 * mm),
        ]

    table = Table(
        [[box(_("For the donor")), box(_("For the programme"))]],
        colWidths=[None, None],
        style=TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.6, LINE),
                ("BOX", (1, 0), (1, 0), 0.6, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        ),
    )
    return KeepTogether([_p(_("Signatures"), "h2"), table])


def _type_title(kind: str) -> str:
    return str(TYPE_TITLES.get(kind, kind))


def _numbered_canvas(data: ReceiptData) -> type[canvas.Canvas]:
    """Return a canvas class that draws each page's header and its "Page X of Y" footer.

    The page count is known only at the end, so pages are kept until ``save``.
    """

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
            self.drawRightString(width - MARGIN, height - MARGIN, data.reference)
            self.setStrokeColor(LINE)
            self.line(MARGIN, height - MARGIN - 2 * mm, width - MARGIN, height - MARGIN - 2 * mm)
            self.drawString(MARGIN, MARGIN, f"{_('Intake receipt')} {data.reference}")
            page = _("Page %(page)s of %(total)s", page=number, total=total)
            self.drawRightString(width - MARGIN, MARGIN, page)
            self.restoreState()

    return NumberedCanvas
