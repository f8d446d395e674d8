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
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from reuse_tracker import clock, documents
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device
from reuse_tracker.documents import GRID, PLAIN, paragraph
from reuse_tracker.documents import services as issuing
from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import ngettext
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.vocabulary import TYPE_TITLES


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


def issue(
    donation: Donation, donor: Donor, received_by: User | None, actor: Any = None
) -> IssuedDocument:
    """The receipt of ``donation`` as an issued document, in the donor's language."""
    with force_locale(donor_language(donor)):
        data = for_donation(donation, donor, received_by)
        return issuing.issue(
            "receipt",
            f"donation:{donation.id}",
            data,
            lambda stamp: render(data, stamp),
            issuer=data.programme,
            actor=actor,
            language=donor_language(donor),
        )


def donor_language(donor: Donor) -> str:
    """The language the donor reads: its own, else the programme's."""
    return getattr(donor, "language", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    return documents.paragraph_styles()


def _p(text: str | None, style: str = "base") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return paragraph(text, _styles()[style])


def render(data: ReceiptData, stamp: documents.Stamp | None = None) -> bytes:
    """Return the receipt as PDF bytes; ``stamp`` numbers it as an issued document."""
    buffer = io.BytesIO()
    title = f"{_('Intake receipt')} {data.reference}"
    document = documents.document(
        buffer, A4, stamp, title=title, author=data.programme, subject=data.donor_name
    )
    issued_on = stamp.issued_on if stamp else clock.today()
    story = [*_heading(data, issued_on), *_devices(data), *_counts(data), _signatures(data)]
    furniture = documents.numbered_canvas(A4, data.programme, data.reference, title, stamp)
    document.build(story, canvasmaker=furniture)
    return buffer.getvalue()


def _heading(data: ReceiptData, issued_on: date) -> list:
    facts = [
        (_("Receipt number"), data.reference),
        (_("Received on"), format_date(data.received_on, "long")),
        (_("Received by"), ", ".join(filter(None, [data.received_by, data.workshop]))),
        (_("Issued on"), format_date(issued_on, "long")),
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
        lines = [(_("Name:"), 4 * mm), (_("Date:"), 4 * mm), (_("Signature:"), 22 * mm)]
        return documents.signature_box(_p(title, "head"), [(_p(t), room) for t, room in lines])

    table = Table(
        [[box(_("For the donor")), box(_("For the programme"))]],
        colWidths=[None, None],
        style=documents.boxes(3 * mm, 3 * mm, columns=2),
    )
    return KeepTogether([_p(_("Signatures"), "h2"), table])


def _type_title(kind: str) -> str:
    return str(TYPE_TITLES.get(kind, kind))
