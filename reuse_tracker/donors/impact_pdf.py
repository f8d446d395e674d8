"""The donor impact report: what the donor's machines became, for its CSR report.

The figures come from ``queries.totals`` (the metrics' ``donor_impact`` provider when there is
one: kg kept in use and CO2e avoided with their method; otherwise counts only).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, format_decimal
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from reuse_tracker import documents
from reuse_tracker.documents import GRID, PLAIN, paragraph
from reuse_tracker.documents import services as issuing
from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.donors import queries
from reuse_tracker.i18n import gettext as _
from reuse_tracker.intake.models import Donor
from reuse_tracker.intake.receipt import donor_language


@dataclass(frozen=True)
class ImpactData:
    programme: str
    donor_name: str
    donor_siret: str | None
    donations: tuple[tuple[str, str, int], ...]
    totals: dict[str, Any]
    by_type: dict[str, int]


def filename(donor: Donor) -> str:
    return f"impact-{donor.id}.pdf"


def for_donor(donor: Donor) -> ImpactData:
    views = queries.donations_of(donor)
    return ImpactData(
        programme=current_app.config["PROGRAMME_NAME"],
        donor_name=donor.name,
        donor_siret=donor.siret,
        donations=tuple(
            (
                view.donation.reference,
                view.donation.received_on.isoformat(),
                len(view.machines),
            )
            for view in views
        ),
        totals=queries.totals(donor, views),
        by_type=queries.by_type(views),
    )


def issue(donor: Donor, actor: Any = None) -> IssuedDocument:
    """The donor's impact report as an issued document (a new version when figures change)."""
    language = donor_language(donor)
    with force_locale(language):
        data = for_donor(donor)
        return issuing.issue(
            "impact_report",
            f"donor:{donor.id}",
            data,
            lambda stamp: render(data, stamp),
            issuer=data.programme,
            actor=actor,
            language=language,
        )


def _number(value: Any) -> str:
    return format_decimal(value) if value is not None else "—"


def render(data: ImpactData, stamp: documents.Stamp | None = None) -> bytes:
    styles = documents.paragraph_styles()

    def p(text: str, style: str = "base"):
        return paragraph(text, styles[style])

    buffer = io.BytesIO()
    title = _("Donor impact report")
    document = documents.document(
        buffer, A4, stamp, title=f"{title} {data.donor_name}", author=data.programme
    )
    totals = data.totals
    issued = format_date(stamp.issued_on, "long") if stamp else ""
    facts = [
        (
            _("Donor"),
            data.donor_name + (f" — SIRET {data.donor_siret}" if data.donor_siret else ""),
        ),
        (_("Figures on"), issued),
    ]
    story = [
        p(title, "title"),
        Table([[p(k, "small"), p(v)] for k, v in facts], colWidths=[35 * mm, None], style=PLAIN),
        p(_("What became of your machines"), "h2"),
    ]
    rows = [
        (_("Machines received"), _number(totals.get("received"))),
        (_("Reused: lent to families"), _number(totals.get("reused"))),
        (_("Parts reused"), _number(totals.get("harvested"))),
        (_("Recycled through a WEEE channel"), _number(totals.get("recycled"))),
    ]
    if "kg_kept_in_use" in totals:
        rows.append((_("Kilograms of equipment kept in use"), _number(totals["kg_kept_in_use"])))
    for method, kg in (totals.get("co2e_avoided_kg") or {}).items():
        rows.append((_("kg CO2e avoided (method: %(method)s)", method=method), _number(kg)))
    story.append(
        Table(
            [[p(_("Figure"), "head"), p(_("Value"), "head")]]
            + [[p(label, "cell"), p(value, "cell")] for label, value in rows],
            colWidths=[110 * mm, 40 * mm],
            hAlign="LEFT",
            style=GRID,
        )
    )
    if totals.get("method_note") or totals.get("factor_set"):
        story += [
            p(_("Method and factors"), "h2"),
            p(str(totals.get("method_note") or "")),
            p(_("Factor set: %(set)s", set=totals.get("factor_set") or "—"), "small"),
        ]
    elif "co2e_avoided_kg" not in totals:
        story.append(
            p(_("Weights and CO2e avoided are not computed yet for this programme."), "small")
        )
    story += [p(_("Donations"), "h2")]
    story.append(
        Table(
            [[p(_("Donation"), "head"), p(_("Received on"), "head"), p(_("Machines"), "head")]]
            + [[p(ref, "cell"), p(on, "cell"), p(str(n), "cell")] for ref, on, n in data.donations],
            colWidths=[50 * mm, 40 * mm, 30 * mm],
            hAlign="LEFT",
            style=GRID,
        )
    )
    story += [p(_("For your CSR report"), "h2"), p(csr_text(data)), Spacer(1, 4 * mm)]
    furniture = documents.numbered_canvas(A4, data.programme, data.donor_name, title, stamp)
    document.build(story, canvasmaker=furniture)
    return buffer.getvalue()


def csr_text(data: ImpactData) -> str:
    """A short paragraph the donor may quote in its CSR (extra-financial) report."""
    totals = data.totals
    text = _(
        "%(donor)s gave %(received)s computers to %(programme)s. After certified data erasure "
        "and reconditioning, %(reused)s were lent to families of priority-education schools to "
        "bridge the digital divide; %(recycled)s that could not be reused were recycled through "
        "an approved WEEE channel.",
        donor=data.donor_name,
        received=totals.get("received", 0),
        programme=data.programme,
        reused=totals.get("reused", 0),
        recycled=totals.get("recycled", 0),
    )
    if totals.get("kg_kept_in_use") is not None:
        text += " " + _(
            "%(kg)s kg of equipment were kept in use.", kg=_number(totals["kg_kept_in_use"])
        )
    return text
