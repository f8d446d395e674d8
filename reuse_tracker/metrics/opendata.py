"""The open datasets: the figures aggregated, no personal data, small counts withheld.

Each dataset is built from grouped queries (a fixed number), then passed through
``disclosure.suppress``; its Table Schema (frictionless) says what each column holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from reuse_tracker.metrics import aggregates, disclosure
from reuse_tracker.metrics.aggregates import Period

SUPPRESSED_NOTE = (
    "Counts from 1 to {limit} are withheld (empty cell), and so are enough other cells that a "
    "withheld one cannot be recovered from a published total."
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    title: str
    description: str = ""
    #: Counts of people or devices: withheld when small.
    is_count: bool = False


def _count(name: str, title: str, description: str = "") -> Column:
    return Column(name, "integer", title, description, True)


DATASETS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "monthly": (
        "Loans, returns and devices by month",
        (
            Column("month", "yearmonth", "Month", "YYYY-MM (UTC)."),
            _count("families_first_equipped", "Families equipped for the first time"),
            _count("loans_started", "Devices handed over to a family"),
            _count("returns", "Devices returned by a family"),
            _count("devices_received", "Devices given to the programme"),
            _count("devices_recycled", "Devices sent to recycling (WEEE)"),
        ),
    ),
    "waves": (
        "Distribution waves: targets and families equipped",
        (
            Column("wave", "string", "Wave"),
            Column("starts_on", "date", "First day"),
            Column("ends_on", "date", "Last day"),
            Column("target", "integer", "Devices planned", "The wave's target (not withheld)."),
            _count("families_equipped", "Families equipped in the period"),
            _count("loans_started", "Devices handed over in the period"),
            _count("devices_on_loan", "Devices on loan at the period's end"),
        ),
    ),
    "schools": (
        "Families equipped by school",
        (
            Column("uai", "string", "UAI", "The school's national establishment number."),
            Column("school", "string", "School"),
            Column("network", "string", "Priority network", "REP+, REP or none."),
            Column("neighbourhood", "string", "Neighbourhood"),
            Column("is_qpv", "boolean", "Priority neighbourhood (QPV)"),
            _count("families_equipped", "Families equipped in the period"),
            _count("loans_started", "Devices handed over in the period"),
        ),
    ),
    "neighbourhoods": (
        "Families equipped by neighbourhood",
        (
            Column("neighbourhood", "string", "Neighbourhood"),
            Column("is_qpv", "boolean", "Priority neighbourhood (QPV)"),
            _count("families_equipped", "Families equipped in the period"),
            _count("loans_started", "Devices handed over in the period"),
        ),
    ),
}


def threshold() -> int:
    return int(current_app.config.get("OPEN_DATA_MIN_COUNT", 11))


def schema(name: str) -> dict[str, Any]:
    """Return the Table Schema of dataset ``name``."""
    title, columns = DATASETS[name]
    limit = threshold() - 1
    fields = []
    for column in columns:
        field: dict[str, Any] = {"name": column.name, "type": column.type, "title": column.title}
        description = column.description
        if column.is_count:
            field["constraints"] = {"minimum": 0}
            description = (description + " " + SUPPRESSED_NOTE.format(limit=limit)).strip()
        if description:
            field["description"] = description
        if column.type == "boolean":
            field["trueValues"], field["falseValues"] = ["true"], ["false"]
        fields.append(field)
    return {"title": title, "fields": fields, "missingValues": [""]}


def _monthly(period: Period) -> tuple[list[dict[str, Any]], list[list[int]]]:
    months = aggregates.monthly(period)
    firsts = dict(aggregates.first_equipped_by_month(period))
    start, end = period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")
    keys = sorted({*months, *(m for m in firsts if start <= m <= end)})
    rows = [
        {
            "month": month,
            "families_first_equipped": firsts.get(month, 0),
            **{
                name: months.get(month, {}).get(name, 0)
                for name in ("loans_started", "returns", "devices_received", "devices_recycled")
            },
        }
        for month in keys
    ]
    return rows, []


def _waves(period: Period) -> tuple[list[dict[str, Any]], list[list[int]]]:
    return [
        {
            "wave": wave["name"],
            "starts_on": wave["starts_on"],
            "ends_on": wave["ends_on"],
            "target": wave["target"],
            "families_equipped": wave["families_equipped"],
            "loans_started": wave["loans_started"],
            "devices_on_loan": wave["devices_on_loan"],
        }
        for wave in aggregates.by_wave(period)
    ], []


def _school_rows(period: Period) -> list[dict[str, Any]]:
    return [
        {
            "uai": school["uai"] or "",
            "school": school["name"] or "",
            "network": school["network"] or "",
            "neighbourhood": school["neighbourhood"] or "",
            "is_qpv": bool(school["is_qpv"]),
            "families_equipped": school["families_equipped"],
            "loans_started": school["loans_started"],
        }
        for school in aggregates.families_by_school(period)
    ]


def _schools(period: Period) -> tuple[list[dict[str, Any]], list[list[int]]]:
    rows = _school_rows(period)
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault((row["neighbourhood"], row["is_qpv"]), []).append(index)
    # Each neighbourhood's figure is published in "neighbourhoods": a sum of these rows.
    return rows, list(groups.values())


def _neighbourhoods(period: Period) -> tuple[list[dict[str, Any]], list[list[int]]]:
    table: dict[tuple[str, bool], dict[str, Any]] = {}
    for row in _school_rows(period):
        key = (row["neighbourhood"], row["is_qpv"])
        entry = table.setdefault(
            key,
            {"neighbourhood": key[0], "is_qpv": key[1], "families_equipped": 0, "loans_started": 0},
        )
        entry["families_equipped"] += row["families_equipped"]
        entry["loans_started"] += row["loans_started"]
    return [table[key] for key in sorted(table)], []


BUILDERS: dict[str, Callable[[Period], tuple[list[dict[str, Any]], list[list[int]]]]] = {
    "monthly": _monthly,
    "waves": _waves,
    "schools": _schools,
    "neighbourhoods": _neighbourhoods,
}


def dataset(name: str, period: Period) -> disclosure.Suppressed:
    """Return dataset ``name`` for ``period``, small counts withheld."""
    rows, groups = BUILDERS[name](period)
    counts = [column.name for column in DATASETS[name][1] if column.is_count]
    return disclosure.suppress(rows, counts, threshold(), groups)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 3))
    return str(disclosure.neutralise(value))


def as_csv(name: str, table: disclosure.Suppressed) -> str:
    """Write the dataset as data.gouv.fr recommends: UTF-8, comma, ISO dates, decimal point."""
    columns = [column.name for column in DATASETS[name][1]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in table.rows:
        writer.writerow([_cell(row[column]) for column in columns])
    return out.getvalue()
