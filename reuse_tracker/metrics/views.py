"""The figures page, the period report (PDF) and the factor sets page."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal

from reuse_tracker.auth.access import roles_required
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.metrics import bp, charts, factors, figures, impact
from reuse_tracker.metrics.aggregates import Period, school_year
from reuse_tracker.metrics.periods import period_from
from reuse_tracker.policy import FIGURES
from reuse_tracker.vocabulary import STATUS_TITLES, TYPE_TITLES, Role, title
from reuse_tracker.web import actor, pdf_response

#: The stock chart's states, in the lifecycle's order.
STOCK_STATES = (
    "received",
    "in_workshop",
    "ready",
    "reserved",
    "on_loan",
    "returned",
    "harvested",
    "recycled",
    "lost",
    "transferred",
)


def equipped_over_time(figures_: dict[str, Any], period: Period) -> list[tuple[str, int]]:
    """Return the cumulative families equipped by month of the period (from the monthly counts)."""
    first = period.start.strftime("%Y-%m")
    total, points = 0, []
    for month, count in figures_["equipment"]["equipped_by_month"]:
        total += count
        if month >= first:
            points.append((month, total))
    return points


def page_charts(data: dict[str, Any], period: Period) -> dict[str, str]:
    """Draw the page's charts (SVG) from the figures."""
    equipment, circular = data["equipment"], data["circular"]
    stock = {state: sum(data["stock"].get(state, {}).values()) for state in STOCK_STATES}
    reuse = [
        (_("reused"), circular["devices_reused"]),
        (_("harvested for parts"), circular["devices_harvested"]),
        (_("recycled (WEEE)"), circular["devices_recycled"]),
    ]
    return {
        "target": charts.bars(
            _("Families equipped against the target"),
            [
                (_("equipped"), equipment["families_equipped"]),
                (_("target"), equipment["target"]),
            ],
        ),
        "stock": charts.bars(
            _("Devices by state"),
            [(title(STATUS_TITLES, state), count) for state, count in stock.items()],
        ),
        "reuse": charts.bars(_("Reuse versus recycling"), reuse),
        "over_time": charts.progress_line(
            _("Families equipped over time, against the target"),
            equipped_over_time(data, period),
            equipment["target"],
        ),
    }


def _n(value: Any) -> str:
    return _("not recorded yet") if value is None else format_decimal(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{format_decimal(round(value * 100, 1))} %"


def _equipment_rows(e: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Families equipped"), _n(e["families_equipped"])),
        (_("Devices on loan at the period's end"), _n(e["devices_on_loan"])),
        (_("Loans started"), _n(e["loans_started"])),
        (_("Re-loans (a device's second and later lives)"), _n(e["re_loans"])),
        (_("Returns"), _n(e["returns"])),
        (_("Lost"), _n(e["lost"])),
        (_("Given to the family"), _n(e["transferred"])),
        (_("Median days from intake to a family"), _n(e["median_days_intake_to_family"])),
        (_("Devices made ready per week"), _n(e["workshop_ready_per_week"])),
        (_("Yield (reused ÷ received)"), _pct(e["yield"])),
        (
            _("Families accompanied"),
            f"{_n(e['families_accompanied'])} / {_n(e['support_target'])}",
        ),
        (_("Families connected by a low-cost offer"), _n(e["families_connected"])),
    ]


def _circular_rows(c: dict[str, Any]) -> list[tuple[str, str]]:
    co2e = c["co2e_avoided_kg"]
    return [
        (_("Devices received"), _n(c["devices_received"])),
        (_("Devices reused"), _n(c["devices_reused"])),
        (_("Devices harvested for parts"), _n(c["devices_harvested"])),
        (_("Devices recycled (WEEE)"), _n(c["devices_recycled"])),
        (_("Reuse rate"), _pct(c["reuse_rate"])),
        (_("kg kept in use"), _n(c["kg_kept_in_use"])),
        (_("kg sent to WEEE"), _n(c["kg_weee"])),
        (_("Parts harvested"), _n(c["parts_harvested"])),
        (_("Parts reused"), _n(c["parts_reused"])),
        (_("kg CO2e avoided (substitution)"), _n(co2e["substitution"])),
        (_("kg CO2e avoided (per year of use)"), _n(co2e["per_year_of_use"])),
    ]


def page_tables(data: dict[str, Any], period: Period) -> dict[str, list[tuple]]:
    """Return the rows of the tables beside the charts, numbers written for the reader."""
    e, c = data["equipment"], data["circular"]
    network_titles = {"none": _("none")}
    return {
        "equipment": _equipment_rows(e),
        "circular": _circular_rows(c),
        "stock": [
            (title(STATUS_TITLES, state), _n(sum(data["stock"].get(state, {}).values())))
            for state in STOCK_STATES
        ],
        "by_type": [
            (
                title(TYPE_TITLES, t["device_type"]),
                *(_n(t[k]) for k in ("received", "reused", "harvested", "recycled")),
                _n(t["kg_kept_in_use"]),
                _n(t["kg_weee"]),
                t["waste_code"],
                _n(t["co2e_avoided_kg"]["substitution"]),
                _n(t["co2e_avoided_kg"]["per_year_of_use"]),
            )
            for t in c["by_type"]
        ],
        "over_time": [(month, _n(total)) for month, total in equipped_over_time(data, period)],
        "waves": [
            (
                w["name"],
                _n(w["target"]),
                _n(w["families_equipped"]),
                _n(w["loans_started"]),
                _n(w["devices_on_loan"]),
            )
            for w in e["by_wave"]
        ],
        "schools": [
            (
                s["name"],
                network_titles.get(s["network"], s["network"]),
                s["neighbourhood"],
                _n(s["families_equipped"]),
                _n(s["loans_started"]),
            )
            for s in e["by_school"]
        ],
        "neighbourhoods": [
            (
                n["neighbourhood"] or "—",
                _("yes") if n["is_qpv"] else _("no"),
                _n(n["families_equipped"]),
            )
            for n in e["by_neighbourhood"]
        ],
        "networks": [(network_titles.get(k, k), _n(v)) for k, v in sorted(e["by_network"].items())],
        "factors": [
            (
                title(TYPE_TITLES, kind),
                _n(row["new_device_kg_co2e"]),
                _n(row["per_year_used"]),
                _n(row["typical_weight_kg"]),
                _n(row["reference_life_years"]),
                row["source"],
            )
            for kind, row in c["factors"]["by_type"].items()
        ],
    }


def _period_links(period: Period) -> list[tuple[str, dict[str, str]]]:
    last = school_year(period.start.replace(year=period.start.year - 1))
    return [
        (_("Current school year"), {}),
        (
            _("Previous school year"),
            {"from": last.start.isoformat(), "to": last.end.isoformat()},
        ),
    ]


@bp.get("/metrics")
@roles_required(*FIGURES)
def figures_page():
    period = period_from(request.args)
    data = figures.for_period(period)
    factors.save_changes()
    notes = [_(text) for text in (*impact.METHOD_NOTES.values(), impact.PARTS_NOTE)]
    return render_template(
        "metrics/figures.html",
        period=period,
        data=data,
        computed_at=figures.computed_at(period),
        max_age_minutes=max(1, current_app.config["METRICS_MAX_AGE"] // 60),
        charts=page_charts(data, period),
        tables=page_tables(data, period),
        notes=notes,
        period_links=_period_links(period),
    )


@bp.get("/metrics/report.pdf")
@roles_required(*FIGURES)
def report_pdf():
    from reuse_tracker.metrics import report  # the PDF stack, only when the report is asked for

    period = period_from(request.args)
    data = figures.for_period(period)
    factors.save_changes()
    pdf = report.render(data, period, equipped_over_time(data, period))
    return pdf_response(pdf, f"indicateurs-{period.start.isoformat()}-{period.end.isoformat()}.pdf")


@bp.get("/metrics/factors")
@roles_required(*FIGURES)
def factor_sets():
    return render_template("metrics/factors.html", sets=factors.all_sets(), errors={}, form={})


@bp.post("/metrics/factors")
@roles_required(Role.ADMIN)
def upload_factors():
    form = request.form
    upload = request.files.get("file")
    raw = upload.read() if upload else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    try:
        if text is None:
            raise ValidationError(
                _("Some fields are missing or invalid."), {"file": _("must be a UTF-8 CSV file")}
            )
        loaded = factors.load(
            text,
            version=form.get("version"),
            published_on=form.get("published_on"),
            source=form.get("source"),
            avoided_share=form.get("avoided_share"),
            actor=actor(),
        )
    except ValidationError as error:
        db.session.rollback()
        page = render_template(
            "metrics/factors.html",
            sets=factors.all_sets(),
            errors=error.fields,
            labels=error.labels,
            form=form,
        )
        return page, 422
    db.session.commit()
    flash(
        _("Factor set %(version)s loaded: it is used from now on.", version=loaded.version),
        "success",
    )
    return redirect(url_for("metrics.factor_sets"))
