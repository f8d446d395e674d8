"""Draw the data-erasure certificate (pure: plain values in, PDF bytes out; A4 landscape)."""

from __future__ import annotations

import functools
import io
from collections import Counter
from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reuse_tracker.devices.fields import value_title
from reuse_tracker.devices.registration import TYPE_TITLES
from reuse_tracker.intake.receipt import BRAND, GREY, GRID, LINE, MARGIN, PLAIN, fonts
from reuse_tracker.workshop.certificate import CertificateData, Disk, Machine

PAGE = landscape(A4)
#: The receipt's grid with tighter cell padding: nine columns share the width.
TABLE = TableStyle(
    [
        *GRID.getCommands(),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)
WIDTHS = [21 * mm, 44 * mm, 42 * mm, 31 * mm, 29 * mm, 24 * mm, 25 * mm, 20 * mm, None]


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("cert", fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle(
            "cert-title",
            base,
            fontName=bold,
            fontSize=17,
            leading=21,
            textColor=BRAND,
            spaceAfter=2 * mm,
        ),
        "h2": ParagraphStyle(
            "cert-h2",
            base,
            fontName=bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
        ),
        "cell": ParagraphStyle("cert-cell", base, fontSize=7.8, leading=9.6),
        "head": ParagraphStyle("cert-head", base, fontName=bold, fontSize=7.8, leading=9.6),
        "small": ParagraphStyle("cert-small", base, fontSize=8, leading=10, textColor=GREY),
    }


def _p(text: str | None, style: str = "base") -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), _styles()[style])


def state_title(state: str) -> str:
    return {
        "erased": _("Erased"),
        "destroyed": _("Medium destroyed"),
        "pending": _("Pending: not erased yet"),
        "no_storage": _("No data storage"),
    }.get(state, state)


def render(data: CertificateData) -> bytes:
    """Return the certificate as PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{_('Data erasure certificate')} {data.reference}",
        author=data.workshop,
        subject=data.donor_name,
    )
    story = [*_heading(data), *_machines(data), _signature(data)]
    document.build(story, canvasmaker=_numbered_canvas(data))
    return buffer.getvalue()


def _heading(data: CertificateData) -> list:
    counts = Counter(machine.state for machine in data.machines)
    facts = [
        (
            _("Donor"),
            data.donor_name + (f" — SIRET {data.donor_siret}" if data.donor_siret else ""),
        ),
        (_("Donation"), f"{data.reference} · {format_date(data.received_on, 'long')}"),
        (_("Issued on"), format_date(data.issued_on, "long")),
        (
            _("Devices"),
            " · ".join(
                f"{state_title(state)}: {counts[state]}"
                for state in ("erased", "destroyed", "pending", "no_storage")
                if counts[state]
            )
            or "0",
        ),
    ]
    table = Table(
        [[_p(label, "small"), _p(value)] for label, value in facts],
        colWidths=[32 * mm, None],
        style=PLAIN,
    )
    statement = _(
        "%(workshop)s certifies that the data of the devices listed below, given by %(donor)s, "
        "was sanitised as stated, following NIST SP 800-88 (clear, purge or destroy). Only an "
        "erasure that passed and was verified, or the destruction of the medium, counts as "
        "erased; a device marked pending has not been erased yet and will not be reused until "
        "it is (décret n° 2022-190).",
        workshop=data.workshop or data.programme,
        donor=data.donor_name,
    )
    return [_p(_("Data erasure certificate"), "title"), table, Spacer(1, 3 * mm), _p(statement)]


def _machines(data: CertificateData) -> list:
    head = (
        _("Asset tag"),
        _("Device"),
        _("Storage (serial, model)"),
        _("NIST method / technique"),
        _("Tool"),
        _("Verification"),
        _("Result"),
        _("Date"),
        _("Technician"),
    )
    rows = [[_p(text, "head") for text in head]]
    for machine in data.machines:
        rows += _machine_rows(machine)
    table = Table(rows, repeatRows=1, colWidths=WIDTHS, style=TABLE)
    return [_p(_("Devices and storage media"), "h2"), table]


def _machine_rows(machine: Machine) -> list[list[Paragraph]]:
    kind = str(TYPE_TITLES.get(machine.type, machine.type)).capitalize()
    device = f"{kind} {machine.brand} {machine.model}\n{_('S/N')} {machine.serial}"
    if not machine.disks:
        return [
            [
                _p(text, "cell")
                for text in (
                    machine.tag,
                    device,
                    "—",
                    "",
                    "",
                    "",
                    state_title(machine.state),
                    "",
                    "",
                )
            ]
        ]
    return [
        [
            _p(text, "cell")
            for text in (
                machine.tag,
                device if n == 0 else f"({machine.serial})",
                *_disk_cells(disk),
            )
        ]
        for n, disk in enumerate(machine.disks)
    ]


def _disk_cells(disk: Disk) -> tuple[str, ...]:
    storage = disk.serial or "—"
    details = " ".join(filter(None, (disk.model, f"{disk.size_gb} GB" if disk.size_gb else "")))
    method = " / ".join(
        filter(
            None,
            (
                value_title("record_erasure", "method", disk.method),
                value_title("record_erasure", "technique", disk.technique),
            ),
        )
    )
    if disk.destroyed:
        result = _("Medium destroyed")
    elif disk.counts:
        result = _("Erased")
    else:
        result = _(
            "Pending: %(why)s", why=_("failed") if disk.result != "passed" else _("not verified")
        )
    return (
        f"{storage}\n{details}" if details else storage,
        method,
        disk.tool,
        value_title("record_erasure", "verification", disk.verification),
        result,
        format_date(disk.on, "short"),
        disk.technician,
    )


def _signature(data: CertificateData) -> KeepTogether:
    issuer = [
        _p(_("Issued by"), "small"),
        Paragraph(f"<b>{escape(data.issuer or '—')}</b>", _styles()["base"]),
        _p(", ".join(filter(None, (data.issuer_role, data.workshop)))),
        _p(_("On %(date)s", date=format_date(data.issued_on, "long"))),
    ]
    box = Table(
        [[issuer, [_p(_("Signature:")), Spacer(1, 16 * mm)]]],
        colWidths=[90 * mm, 70 * mm],
        hAlign="RIGHT",
        style=TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.6, LINE),
                ("BOX", (1, 0), (1, 0), 0.6, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        ),
    )
    return KeepTogether([Spacer(1, 5 * mm), box])


def _numbered_canvas(data: CertificateData) -> type[canvas.Canvas]:
    """A canvas that draws each page's header and "Page X of Y" once the count is known."""

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
            width, height = PAGE
            top = height - MARGIN
            self.saveState()
            self.setFont(fonts()[1], 9)
            self.setFillColor(BRAND)
            self.drawString(MARGIN, top, data.programme)
            self.setFont(fonts()[0], 8)
            self.setFillColor(GREY)
            heading = f"{_('Data erasure certificate')} · {data.reference} · {data.donor_name}"
            self.drawRightString(width - MARGIN, top, heading)
            self.setStrokeColor(LINE)
            self.line(MARGIN, top - 2 * mm, width - MARGIN, top - 2 * mm)
            self.drawString(MARGIN, MARGIN, data.workshop)
            page = _("Page %(page)s of %(total)s", page=number, total=total)
            self.drawRightString(width - MARGIN, MARGIN, page)
            self.restoreState()

    return NumberedCanvas
