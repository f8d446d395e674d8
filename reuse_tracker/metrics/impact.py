"""The circular-economy methods and their factors, on plain values. Pure: no Flask, no database.

Two methods (``shared/data/README.md``):

- **substitution**: each reused device avoids ``new_device_kg_co2e × share`` (the share of a
  new device's footprint that reuse avoids; 0.74 by default);
- **per year of use**: each year a device spends with a family avoids the type's
  ``avoided_kg_co2e_per_year_of_reuse``; a type without a published figure uses
  ``new_device_kg_co2e × share ÷ reference_life_years``.

Mass kept in use is the device's recorded weight, or its type's typical weight.

Parts: a part installed in a device is inside that device, so its footprint is in the device's
(the device is counted whole, once); a harvested part that is reused is installed in another
device, whose reuse already counts it. Parts earn no separate credit: nothing is counted twice.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

SUBSTITUTION = "substitution"
PER_YEAR = "per_year_of_use"
METHODS = (SUBSTITUTION, PER_YEAR)
DEFAULT_SHARE = 0.74

#: The columns of a factor file, in order; ``avoided_…`` may be empty.
COLUMNS = (
    "device_type",
    "new_device_kg_co2e",
    "avoided_kg_co2e_per_year_of_reuse",
    "typical_weight_kg",
    "reference_life_years",
    "source",
)
NUMBER_COLUMNS = COLUMNS[1:5]
OPTIONAL_COLUMNS = frozenset({"avoided_kg_co2e_per_year_of_reuse"})

METHOD_NOTES = {
    SUBSTITUTION: "Substitution: each device handed over to a family in the period avoids the "
    "footprint of a new device of its type times the avoided share.",
    PER_YEAR: "Per year of use: each loan counts the years the device spent with the family "
    "within the period, times the avoided kg CO2e per year of its type (types without a "
    "published figure: new-device footprint × avoided share ÷ reference life).",
}
PARTS_NOTE = (
    "Parts installed in a device are part of its footprint: the device counts whole, once. "
    "Harvested parts that are reused are installed in another device, whose reuse counts them: "
    "parts earn no separate credit, so nothing is counted twice."
)


@dataclass(frozen=True)
class TypeFactors:
    """The factors of one device type."""

    device_type: str
    new_device_kg_co2e: float
    #: None: no published figure (derived from the substitution share and reference life).
    avoided_kg_co2e_per_year: float | None
    typical_weight_kg: float
    reference_life_years: float
    source: str = ""

    def per_year(self, share: float) -> float:
        """Return the kg CO2e a year of use avoids (published, else derived)."""
        if self.avoided_kg_co2e_per_year is not None:
            return self.avoided_kg_co2e_per_year
        return self.new_device_kg_co2e * share / self.reference_life_years


@dataclass(frozen=True)
class FactorSet:
    """A versioned, dated set of factors with its sources."""

    version: str
    published_on: date
    source: str
    types: Mapping[str, TypeFactors]
    avoided_share: float = DEFAULT_SHARE


@dataclass(frozen=True)
class FactorProblem:
    """What is wrong in a factor file: the row (1: the header), the column, a code."""

    row: int
    column: str
    code: str
    value: str = ""


class FactorError(ValueError):
    """A factor file is refused; ``problems`` names each row and column."""

    def __init__(self, problems: list[FactorProblem]):
        super().__init__("; ".join(f"{p.row}:{p.column}:{p.code}" for p in problems))
        self.problems = problems


def _number(raw: str, row: int, column: str, problems: list[FactorProblem]) -> float | None:
    text = (raw or "").strip()
    if not text:
        if column not in OPTIONAL_COLUMNS:
            problems.append(FactorProblem(row, column, "required"))
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        problems.append(FactorProblem(row, column, "not_a_number", text[:40]))
        return None
    if not math.isfinite(value) or value <= 0:
        problems.append(FactorProblem(row, column, "not_positive", text[:40]))
        return None
    return value


def parse_factors(text: str, known_types: tuple[str, ...] = ()) -> dict[str, TypeFactors]:
    """Read a factor file (CSV with the ``COLUMNS``); raise FactorError naming each problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise FactorError([FactorProblem(1, name, "missing_column") for name in missing])
    reader.fieldnames = header
    problems: list[FactorProblem] = []
    types: dict[str, TypeFactors] = {}
    for number, line in enumerate(reader, start=2):
        kind = (line.get("device_type") or "").strip()
        if known_types and kind not in known_types:
            problems.append(FactorProblem(number, "device_type", "unknown_type", kind[:40]))
        elif kind in types:
            problems.append(FactorProblem(number, "device_type", "duplicate_type", kind))
        values = {c: _number(line.get(c) or "", number, c, problems) for c in NUMBER_COLUMNS}
        if any(p.row == number for p in problems):
            continue
        types[kind] = TypeFactors(
            kind,
            values["new_device_kg_co2e"],
            values["avoided_kg_co2e_per_year_of_reuse"],
            values["typical_weight_kg"],
            values["reference_life_years"],
            (line.get("source") or "").strip(),
        )
    if not types and not problems:
        problems.append(FactorProblem(2, "device_type", "empty"))
    if problems:
        raise FactorError(problems)
    return types


def default_factors_text() -> str:
    """Return the factor file shipped with the package (``shared/data/impact_factors.csv``)."""
    return resources.files(__package__).joinpath("data/impact_factors.csv").read_text("utf-8")


def default_factor_set() -> FactorSet:
    """Return the shipped default set, with its version, date and sources."""
    meta = json.loads(
        resources.files(__package__).joinpath("data/impact_factors.json").read_text("utf-8")
    )
    return FactorSet(
        version=meta["version"],
        published_on=date.fromisoformat(meta["published_on"]),
        source=meta["source"],
        types=parse_factors(default_factors_text()),
        avoided_share=float(meta.get("avoided_share", DEFAULT_SHARE)),
    )


@dataclass(frozen=True)
class TypeActivity:
    """What happened to one device type in a period, as SQL aggregates give it."""

    #: Devices handed over to a family in the period.
    reused: int = 0
    #: Sum of the recorded weights of those devices, and how many had none recorded.
    recorded_kg: float = 0.0
    without_weight: int = 0
    #: Years spent with families within the period, summed over the loans.
    years_on_loan: float = 0.0


@dataclass
class Impact:
    """The figures of a period by type and in total: kg kept in use and CO2e by method."""

    kg_kept_in_use: float = 0.0
    co2e_avoided_kg: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METHODS, 0.0))
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Types met in the activity that the factor set does not cover (counted as 0).
    uncovered: list[str] = field(default_factory=list)


def kg_kept(activity: TypeActivity, factors: TypeFactors) -> float:
    """Return the mass kept in use: recorded weights, else the typical weight."""
    return activity.recorded_kg + activity.without_weight * factors.typical_weight_kg


def substitution_kg(reused: int, factors: TypeFactors, share: float) -> float:
    """Return the kg CO2e avoided by ``reused`` devices, by substitution."""
    return reused * factors.new_device_kg_co2e * share


def per_year_kg(years: float, factors: TypeFactors, share: float) -> float:
    """Return the kg CO2e avoided by ``years`` of use, per year of use."""
    return years * factors.per_year(share)


def impact(activity: Mapping[str, TypeActivity], factor_set: FactorSet) -> Impact:
    """Return the period's circular-economy figures from its activity by device type."""
    result = Impact()
    share = factor_set.avoided_share
    for kind in sorted(activity):
        done = activity[kind]
        factors = factor_set.types.get(kind)
        if factors is None:
            result.uncovered.append(kind)
            continue
        row = {
            "reused": done.reused,
            "kg_kept_in_use": kg_kept(done, factors),
            "years_on_loan": done.years_on_loan,
            SUBSTITUTION: substitution_kg(done.reused, factors, share),
            PER_YEAR: per_year_kg(done.years_on_loan, factors, share),
        }
        result.by_type[kind] = row
        result.kg_kept_in_use += row["kg_kept_in_use"]
        for method in METHODS:
            result.co2e_avoided_kg[method] += row[method]
    return result
