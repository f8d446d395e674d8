"""Draw the data-erasure certificate (pure: plain values in, PDF bytes out; A4 landscape)."""

from __future__ import annotations

import dataclasses
import functools
import io
from collections import Counter
from xml.sax.saxutils import escape

from flask_babel import format_date
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from reuse_tracker import documents
from reuse_tracker.devices.fields import value_title
from reuse_tracker.documents import GRID, PLAIN, paragraph
from reuse_tracker.i18n import gettext as _
from reuse_tracker.vocabulary import TYPE_TITLES
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
#: The tail of the table kept with the signature: no tinted header row.
TAIL = TableStyle(
    [cmd for cmd in TABLE.getCommands() if cmd[0] not in {"BACKGROUND", "ROWBACKGROUNDS"}]
)
WIDTHS = [21 * mm, 44 * mm, 42 * mm, 31 * mm, 29 * mm, 24 * mm, 25 * mm, 20 * mm, None]


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The receipt's styles, with smaller cells: nine columns share the width."""
    cell = {"fontSize": 7.8, "leading": 9.6}
    return documents.paragraph_styles(h2={"spaceBefore": 4 * mm}, cell=cell, head=cell)


def _p(text: str | None, style: str = "base") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return paragraph(text, _styles()[style])


def state_title(state: str) -> str:
    return {
        "erased": _("Erased"),
        "destroyed": _("Medium destroyed"),
        "pending": _("Pending: not erased yet"),
        "no_storage": _("No data storage"),
    }.get(state, state)


def render(data: CertificateData, stamp: documents.Stamp | None = None) -> bytes:
    """Return the certificate as PDF bytes; ``stamp`` numbers it as an issued document."""
    if stamp is not None:
        data = dataclasses.replace(data, issued_on=stamp.issued_on)
    buffer = io.BytesIO()
    title = _("Data erasure certificate")
    document = documents.document(
        buffer,
        PAGE,
        stamp,
        title=f"{title} {data.reference}",
        author=data.workshop,
        subject=data.donor_name,
    )
    story = [*_heading(data), *_certified(data), *_not_certified(data)]
    heading = f"{title} · {data.reference} · {data.donor_name}"
    furniture = documents.numbered_canvas(PAGE, data.programme, heading, data.workshop, stamp)
    document.build(story, canvasmaker=furniture)
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
        "%(workshop)s certifies that the data of the devices listed in the table below, given "
        "by %(donor)s, was sanitised as stated, following NIST SP 800-88 Rev. 2 (clear, purge "
        "or destroy). Only an erasure that passed and was verified, or the destruction of the "
        "medium, is certified here. Devices without data storage and devices still pending are "
        "listed apart: this certificate does not cover them, and a pending device is not "
        "reused until it is erased (décret n° 2022-190).",
        workshop=data.workshop or data.programme,
        donor=data.donor_name,
    )
    return [_p(_("Data erasure certificate"), "title"), table, Spacer(1, 3 * mm), _p(statement)]


def _head() -> list[Paragraph]:
    titles = (
        _("Asset tag"),
        _("Device"),
        _("Storage (serial, model)"),
        _("NIST SP 800-88 Rev. 2 category / technique"),
        _("Tool and version"),
        _("Verification"),
        _("Result"),
        _("Date"),
        _("Technician"),
    )
    return [_p(text, "head") for text in titles]


def _certified(data: CertificateData) -> list:
    """The erased devices' table, its last rows kept on the page of the signature."""
    rows = []
    for machine in data.certified:
        rows += _machine_rows(machine)
    # The last rows travel with the signature block, so that it never stands alone.
    tail = rows[-2:]
    body = [_head(), *rows[: len(rows) - len(tail)]]
    story: list = [_p(_("Devices erased and certified"), "h2")]
    if len(body) > 1:
        story.append(Table(body, repeatRows=1, colWidths=WIDTHS, style=TABLE))
        closing = Table(tail, colWidths=WIDTHS, style=TAIL)
    else:
        closing = Table([_head(), *tail], colWidths=WIDTHS, style=TABLE)
    story.append(KeepTogether([closing, _signature(data)]))
    return story


def _not_certified(data: CertificateData) -> list:
    story: list = []
    sections = (
        (
            _("Devices without data storage (nothing to erase)"),
            [machine for machine in data.machines if machine.state == "no_storage"],
        ),
        (
            _("Devices still pending: NOT covered by this certificate"),
            [machine for machine in data.machines if machine.state == "pending"],
        ),
    )
    for title, machines in sections:
        if not machines:
            continue
        head = [_p(text, "head") for text in (_("Asset tag"), _("Device"), _("State"))]
        rows = [head] + [
            [_p(machine.tag, "cell"), _p(_device_text(machine), "cell"), _p(_why(machine), "cell")]
            for machine in machines
        ]
        table = Table(rows, repeatRows=1, colWidths=[25 * mm, 110 * mm, None], style=TABLE)
        story += [_p(title, "h2"), table]
    return story


def _why(machine: Machine) -> str:
    if machine.state == "no_storage":
        return state_title("no_storage")
    failed = [disk for disk in machine.disks if not disk.counts]
    if not failed:
        return state_title("pending")
    return "; ".join(
        f"{disk.serial or '—'}: " + (_("failed") if disk.result != "passed" else _("not verified"))
        for disk in failed
    )


def _device_text(machine: Machine) -> str:
    kind = str(TYPE_TITLES.get(machine.type, machine.type)).capitalize()
    return f"{kind} {machine.brand} {machine.model}\n{_('S/N')} {machine.serial}"


def _machine_rows(machine: Machine) -> list[list[Paragraph]]:
    return [
        [
            _p(text, "cell")
            for text in (
                machine.tag,
                _device_text(machine) if n == 0 else f"({machine.serial})",
                *_disk_cells(disk),
            )
        ]
        for n, disk in enumerate(machine.disks)
    ]


def _disk_cells(disk: Disk) -> tuple[str, ...]:
    storage = disk.serial or "—"
    size = _("%(n)s GB", n=disk.size_gb) if disk.size_gb else ""
    details = " ".join(filter(None, (disk.model, size)))
    method = " / ".join(
        filter(
            None,
            (
                value_title("record_erasure", "method", disk.method),
                value_title("record_erasure", "technique", disk.technique),
            ),
        )
    )
    result = _("Medium destroyed") if disk.destroyed else _("Erased")
    return (
        f"{storage}\n{details}" if details else storage,
        method,
        disk.tool,
        value_title("record_erasure", "verification", disk.verification),
        result,
        format_date(disk.on, "short"),
        disk.technician,
    )


def _signature(data: CertificateData) -> Table:
    issuer = [
        _p(_("Issued by"), "small"),
        Paragraph(f"<b>{escape(data.issuer or '—')}</b>", _styles()["base"]),
        _p(", ".join(filter(None, (data.issuer_role, data.workshop)))),
        _p(_("On %(date)s", date=format_date(data.issued_on, "long"))),
    ]
    return Table(
        [[issuer, [_p(_("Signature:")), Spacer(1, 16 * mm)]]],
        colWidths=[90 * mm, 70 * mm],
        hAlign="RIGHT",
        spaceBefore=5 * mm,
        style=documents.boxes(3 * mm, 2 * mm, columns=2),
    )
