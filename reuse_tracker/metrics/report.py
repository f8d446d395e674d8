"""The period report for the council (PDF): figures, charts, the method and factors stated."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from flask_babel import format_decimal
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Table

from reuse_tracker import clock, documents
from reuse_tracker.i18n import gettext as _
from reuse_tracker.metrics import impact
from reuse_tracker.metrics.aggregates import Period
from reuse_tracker.vocabulary import TYPE_TITLES, title

WIDTH = A4[0] - 2 * documents.MARGIN


def _n(value: Any) -> str:
    if value is None:
        return _("not recorded yet")
    return format_decimal(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{format_decimal(round(value * 100, 1))} %"


def _table(rows: list[list[Any]], styles, widths=None) -> Table:
    cells = [
        [documents.paragraph(str(cell), styles["head" if i == 0 else "cell"]) for cell in row]
        for i, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(documents.GRID)
    return table


def _bar_chart(items: list[tuple[str, float]], heading: str) -> Drawing:
    height = 30 + 18 * max(1, len(items))
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 10, WIDTH - 150, height - 30
    chart.data = [[float(value) for _, value in items] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _ in items] or [""]
    chart.categoryAxis.labels.fontName = documents.fonts()[0]
    chart.valueAxis.labels.fontName = documents.fonts()[0]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = documents.BRAND
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = documents.fonts()[0]
    chart.barLabels.nudge = 10
    drawing.add(chart)
    drawing.add(String(0, height - 12, heading, fontName=documents.fonts()[1], fontSize=9))
    return drawing


def _line_chart(points: list[tuple[str, int]], target: int, heading: str) -> Drawing:
    drawing = Drawing(WIDTH, 180)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 25, WIDTH - 60, 130
    values = [float(v) for _, v in points] or [0.0]
    chart.data = [values, [float(target)] * len(values)]
    chart.categoryAxis.categoryNames = [m for m, _ in points] or [""]
    chart.categoryAxis.labels.fontName = documents.fonts()[0]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = documents.fonts()[0]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([target, *values]) * 1.1 or 1
    chart.lines[0].strokeColor = documents.BRAND
    chart.lines[0].strokeWidth = 2
    chart.lines[1].strokeColor = colors.HexColor("#b3261e")
    chart.lines[1].strokeDashArray = (4, 3)
    drawing.add(chart)
    drawing.add(String(0, 168, heading, fontName=documents.fonts()[1], fontSize=9))
    return drawing


def _equipment(data: dict[str, Any], styles) -> list[Flowable]:
    e = data["equipment"]
    rows = [
        [_("Figure"), _("Value")],
        [_("Families equipped"), f"{_n(e['families_equipped'])} / {_n(e['target'])}"],
        [_("Devices on loan at the period's end"), _n(e["devices_on_loan"])],
        [_("Loans started"), _n(e["loans_started"])],
        [_("Re-loans (a device's second and later lives)"), _n(e["re_loans"])],
        [_("Returns"), _n(e["returns"])],
        [_("Lost"), _n(e["lost"])],
        [_("Given to the family"), _n(e["transferred"])],
        [_("Median days from intake to a family"), _n(e["median_days_intake_to_family"])],
        [_("Devices made ready per week"), _n(e["workshop_ready_per_week"])],
        [_("Families accompanied"), f"{_n(e['families_accompanied'])} / {_n(e['support_target'])}"],
        [_("Families connected by a low-cost offer"), _n(e["families_connected"])],
    ]
    waves = [[_("Wave"), _("Target"), _("Families equipped"), _("Loans started"), _("On loan")]]
    waves += [
        [
            w["name"],
            _n(w["target"]),
            _n(w["families_equipped"]),
            _n(w["loans_started"]),
            _n(w["devices_on_loan"]),
        ]
        for w in e["by_wave"]
    ]
    schools = [[_("School"), _("Network"), _("Neighbourhood"), _("Families equipped")]]
    schools += [
        [s["name"], s["network"], s["neighbourhood"], _n(s["families_equipped"])]
        for s in e["by_school"]
    ]
    return [
        documents.paragraph(_("Equipment"), styles["h2"]),
        _table(rows, styles, [WIDTH * 0.7, WIDTH * 0.3]),
        documents.paragraph(_("By wave"), styles["h2"]),
        _table(waves, styles),
        documents.paragraph(_("By school"), styles["h2"]),
        _table(schools, styles),
    ]


def _circular(data: dict[str, Any], styles) -> list[Flowable]:
    c = data["circular"]
    rows = [
        [_("Figure"), _("Value")],
        [_("Devices received"), _n(c["devices_received"])],
        [_("Devices reused"), _n(c["devices_reused"])],
        [_("Devices harvested for parts"), _n(c["devices_harvested"])],
        [_("Devices recycled (WEEE)"), _n(c["devices_recycled"])],
        [_("Reuse rate"), _pct(c["reuse_rate"])],
        [_("Yield (reused ÷ received)"), _pct(data["equipment"]["yield"])],
        [_("kg kept in use"), _n(c["kg_kept_in_use"])],
        [_("kg sent to WEEE"), _n(c["kg_weee"])],
        [_("Parts harvested / reused"), f"{_n(c['parts_harvested'])} / {_n(c['parts_reused'])}"],
        [_("kg CO2e avoided (substitution)"), _n(c["co2e_avoided_kg"]["substitution"])],
        [_("kg CO2e avoided (per year of use)"), _n(c["co2e_avoided_kg"]["per_year_of_use"])],
    ]
    types = [
        [
            _("Type"),
            _("Reused"),
            _("kg kept"),
            _("kg WEEE"),
            _("Waste code"),
            _("CO2e subst."),
            _("CO2e per year"),
        ]
    ]
    types += [
        [
            title(TYPE_TITLES, t["device_type"]),
            _n(t["reused"]),
            _n(t["kg_kept_in_use"]),
            _n(t["kg_weee"]),
            t["waste_code"],
            _n(t["co2e_avoided_kg"]["substitution"]),
            _n(t["co2e_avoided_kg"]["per_year_of_use"]),
        ]
        for t in c["by_type"]
    ]
    return [
        documents.paragraph(_("Circular economy"), styles["h2"]),
        _table(rows, styles, [WIDTH * 0.7, WIDTH * 0.3]),
        documents.paragraph(_("By device type"), styles["h2"]),
        _table(types, styles),
    ]


def _method(data: dict[str, Any], styles) -> list[Flowable]:
    f = data["circular"]["factors"]
    notes = [_(text) for text in (*impact.METHOD_NOTES.values(), impact.PARTS_NOTE)]
    factor_rows = [
        [
            _("Type"),
            _("New device kg CO2e"),
            _("kg CO2e / year"),
            _("Typical kg"),
            _("Life (years)"),
            _("Source"),
        ]
    ]
    factor_rows += [
        [
            title(TYPE_TITLES, kind),
            _n(row["new_device_kg_co2e"]),
            _n(row["per_year_used"]),
            _n(row["typical_weight_kg"]),
            _n(row["reference_life_years"]),
            row["source"],
        ]
        for kind, row in f["by_type"].items()
    ]
    return [
        documents.paragraph(_("Method and factors"), styles["h2"]),
        *[documents.paragraph(note, styles["base"]) for note in notes],
        documents.paragraph(
            _(
                "Factor set %(version)s of %(date)s (avoided share %(share)s). Source: %(source)s",
                version=f["version"],
                date=f["published_on"],
                share=f["avoided_share"],
                source=f["source"],
            ),
            styles["small"],
        ),
        _table(factor_rows, styles, [WIDTH * w for w in (0.12, 0.12, 0.12, 0.1, 0.1, 0.44)]),
    ]


def render(data: dict[str, Any], period: Period, over_time: list[tuple[str, int]]) -> bytes:
    """Return the period report as PDF bytes."""
    styles = documents.paragraph_styles()
    heading = _(
        "The programme's figures, %(start)s – %(end)s",
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )
    e, c = data["equipment"], data["circular"]
    story: list[Flowable] = [
        documents.paragraph(heading, styles["title"]),
        documents.paragraph(
            _("Computed on %(moment)s.", moment=data.get("computed_at", "")), styles["small"]
        ),
        _line_chart(over_time, e["target"], _("Families equipped over time, against the target")),
        *_equipment(data, styles),
        _bar_chart(
            [
                (_("reused"), c["devices_reused"]),
                (_("harvested"), c["devices_harvested"]),
                (_("recycled"), c["devices_recycled"]),
            ],
            _("Reuse versus recycling"),
        ),
        *_circular(data, styles),
        *_method(data, styles),
    ]
    buffer = io.BytesIO()
    programme = current_app.config.get("PROGRAMME_NAME", "")
    document = documents.document(buffer, A4, title=heading, author=programme)
    furniture = documents.numbered_canvas(
        A4, programme, clock.today().isoformat(), _("Figures for the council")
    )
    document.build(story, canvasmaker=furniture)
    return buffer.getvalue()
