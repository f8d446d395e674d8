"""The engagement charter drawn as PDF: pure, from ``charter.CharterData`` to bytes."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table

from reuse_tracker import documents
from reuse_tracker.documents import PLAIN, paragraph
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans.charter import CharterData


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
