"""Building blocks of the PDF documents (receipt, charter, certificate): fonts, styles, pages.

A document issued through ``documents.services.issue`` gets a ``Stamp``: its number and the
address that verifies it, drawn with a small vector QR code at the foot of every page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import qrcode
import reportlab
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from reuse_tracker.documents.stamp import Stamp
from reuse_tracker.i18n import gettext as _

#: Fonts tried in turn: DejaVu (Debian's fonts-dejavu-core) covers œ, € and more; Vera ships
#: with reportlab; Helvetica is the last resort (Latin-1 only).
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).parent / "fonts"
FONT_FILES = (
    (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    (_VERA / "Vera.ttf", _VERA / "VeraBd.ttf"),
)
FAMILY = "DocumentSans"
MARGIN = 18 * mm
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#b8b8b8")
BRAND = colors.HexColor("#0b6e4f")
#: Label and value side by side, without padding on the left.
PLAIN = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)
#: A ruled table: tinted header row, alternate rows shaded.
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1ed")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)
#: The sizes of the base paragraph styles; a document overrides what it draws differently.
STYLES: dict[str, dict[str, Any]] = {
    "title": dict(bold=True, fontSize=17, leading=21, textColor=BRAND, spaceAfter=2 * mm),
    "h2": dict(bold=True, fontSize=11.5, leading=15, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "cell": dict(fontSize=8.5, leading=10.5),
    "head": dict(bold=True, fontSize=8.5, leading=10.5),
    "small": dict(fontSize=8, leading=10, textColor=GREY),
}


@functools.cache
def fonts() -> tuple[str, str]:
    """Register the first usable font family; return its regular and bold names."""
    for regular, bold in FONT_FILES:
        if not (regular.is_file() and bold.is_file()):
            continue
        try:
            pdfmetrics.registerFont(TTFont(FAMILY, str(regular)))
            pdfmetrics.registerFont(TTFont(f"{FAMILY}-Bold", str(bold)))
        except TTFError:
            continue
        pdfmetrics.registerFontFamily(
            FAMILY,
            normal=FAMILY,
            bold=f"{FAMILY}-Bold",
            italic=FAMILY,
            boldItalic=f"{FAMILY}-Bold",
        )
        return FAMILY, f"{FAMILY}-Bold"
    return "Helvetica", "Helvetica-Bold"


def paragraph_styles(**overrides: dict[str, Any]) -> dict[str, ParagraphStyle]:
    """Return the base, title, h2, cell, head and small styles, each updated by ``overrides``."""
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    styles = {"base": base}
    for name, defaults in STYLES.items():
        settings = {**defaults, **overrides.get(name, {})}
        font = bold if settings.pop("bold", False) else regular
        styles[name] = ParagraphStyle(name, base, fontName=font, **settings)
    return styles


def paragraph(text: str | None, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


#: The room the verification block takes at the foot of a stamped page.
STAMP_ROOM = 20 * mm
QR_SIZE = 15 * mm


def document(
    buffer: IO[bytes], page_size: tuple[float, float], stamp: Stamp | None = None, **info: str
) -> SimpleDocTemplate:
    """A document template with the common margins; ``info`` sets title, author, subject."""
    return SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm + (STAMP_ROOM if stamp else 0),
        # The stored bytes are the document: no random file identifier, no clock inside.
        invariant=1,
        **info,
    )


def draw_qr(target: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw ``text`` as a QR code of ``size`` (vector squares) with its lower left at x, y.

    The code is drawn without its quiet zone: the caller leaves four modules clear around it.
    """
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    path = target.beginPath()
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                path.rect(x + column * module, y + size - (row + 1) * module, module, module)
    target.saveState()
    target.setFillColor(colors.black)
    target.drawPath(path, stroke=0, fill=1)
    target.restoreState()


def draw_stamp(target: canvas.Canvas, page_size: tuple[float, float], stamp: Stamp) -> None:
    """Draw the verification block (text and QR code) above the footer of a page."""
    width, _height = page_size
    # Four modules (about 2 mm) of quiet zone between the code and the footer or the text above.
    bottom = MARGIN + 5 * mm
    draw_qr(target, stamp.url, width - MARGIN - QR_SIZE, bottom, QR_SIZE)
    right = width - MARGIN - QR_SIZE - 5 * mm
    target.saveState()
    target.setFillColor(GREY)
    target.setFont(fonts()[1], 8)
    target.drawRightString(right, bottom + 9 * mm, _("Document %(label)s", label=stamp.label))
    target.setFont(fonts()[0], 7.5)
    target.drawRightString(right, bottom + 5 * mm, _("Check that it is genuine at:"))
    target.drawRightString(right, bottom + 1.5 * mm, stamp.url)
    target.restoreState()


def signature_box(heading: Paragraph, lines: Sequence[tuple[Paragraph, float]]) -> list[Flowable]:
    """A box's contents: its heading, then each line followed by its room to write."""
    cell: list[Flowable] = [heading, Spacer(1, 2 * mm)]
    for line, room in lines:
        cell += [line, Spacer(1, room)]
    return cell


def boxes(left: float, top: float, columns: int = 0) -> TableStyle:
    """Rule a box round each cell of a one-row table: ``columns`` boxes, else a framed grid."""
    if columns:
        rules = [("BOX", (column, 0), (column, 0), 0.6, LINE) for column in range(columns)]
    else:
        rules = [("BOX", (0, 0), (-1, -1), 0.6, LINE), ("INNERGRID", (0, 0), (-1, -1), 0.6, LINE)]
    return TableStyle(
        [
            *rules,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), left),
            ("TOPPADDING", (0, 0), (-1, -1), top),
        ]
    )


def numbered_canvas(
    page_size: tuple[float, float],
    header_left: str,
    header_right: str,
    footer_left: str,
    stamp: Stamp | None = None,
) -> type[canvas.Canvas]:
    """Return a canvas class that draws each page's header, "Page X of Y" footer and stamp.

    The page count is known only at the end, so pages are kept until ``save``.
    """

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._furniture(number, len(self._pages))
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = page_size
            top = height - MARGIN
            self.saveState()
            self.setFont(fonts()[1], 9)
            self.setFillColor(BRAND)
            self.drawString(MARGIN, top, header_left)
            self.setFont(fonts()[0], 8)
            self.setFillColor(GREY)
            self.drawRightString(width - MARGIN, top, header_right)
            self.setStrokeColor(LINE)
            self.line(MARGIN, top - 2 * mm, width - MARGIN, top - 2 * mm)
            self.drawString(MARGIN, MARGIN, footer_left)
            page = _("Page %(page)s of %(total)s", page=number, total=total)
            self.drawRightString(width - MARGIN, MARGIN, page)
            self.restoreState()
            if stamp is not None:
                draw_stamp(self, page_size, stamp)

    return NumberedCanvas
