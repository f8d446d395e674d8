"""The impact methods on hand-computed values (pure: no application, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from reuse_tracker.metrics import impact
from reuse_tracker.metrics.impact import FactorError, TypeActivity


@pytest.fixture
def factors():
    return impact.default_factor_set()


def test_the_shipped_set_has_its_version_date_sources_and_every_type(factors):
    assert factors.version == "ademe-2022-1"
    assert factors.published_on == date(2022, 1, 19)
    assert "ADEME" in factors.source
    assert set(factors.types) == {"laptop", "desktop", "monitor", "tablet", "smartphone"}
    laptop = factors.types["laptop"]
    assert (laptop.new_device_kg_co2e, laptop.avoided_kg_co2e_per_year) == (182.6, 27.0)
    assert "Boavizta" in laptop.source
    assert factors.types["desktop"].avoided_kg_co2e_per_year is None


def test_the_share_reproduces_the_laptop_per_year_figure(factors):
    laptop = factors.types["laptop"]
    assert laptop.new_device_kg_co2e * 0.74 / laptop.reference_life_years == pytest.approx(27, 0.01)


def test_substitution_and_per_year_on_hand_computed_values(factors):
    laptop, desktop = factors.types["laptop"], factors.types["desktop"]
    # 3 laptops × 182.6 × 0.74 = 405.372
    assert impact.substitution_kg(3, laptop, 0.74) == pytest.approx(405.372)
    # 1.5 years × 27 = 40.5
    assert impact.per_year_kg(1.5, laptop, 0.74) == pytest.approx(40.5)
    # no published figure: 261.5 × 0.74 ÷ 6 = 32.25166… a year; 2 years = 64.50333…
    assert impact.per_year_kg(2, desktop, 0.74) == pytest.approx(64.503333, rel=1e-6)


def test_kg_kept_uses_the_recorded_weight_else_the_typical_one(factors):
    activity = TypeActivity(reused=2, recorded_kg=2.0, without_weight=1)
    # 2.0 kg recorded + 1 device without weight × 1.9 kg
    assert impact.kg_kept(activity, factors.types["laptop"]) == pytest.approx(3.9)


def test_impact_sums_types_and_reports_uncovered_ones(factors):
    result = impact.impact(
        {
            "laptop": TypeActivity(reused=2, recorded_kg=1.6, without_weight=1, years_on_loan=1.0),
            "tablet": TypeActivity(reused=1, recorded_kg=0, without_weight=1, years_on_loan=0.5),
            "scanner": TypeActivity(reused=1, without_weight=1),
        },
        factors,
    )
    # laptops: 2 × 135.124 = 270.248; tablet: 59.7 × 0.74 = 44.178
    assert result.co2e_avoided_kg["substitution"] == pytest.approx(270.248 + 44.178)
    # laptops: 1 year × 27; tablet: 0.5 × 20
    assert result.co2e_avoided_kg["per_year_of_use"] == pytest.approx(27 + 10)
    assert result.kg_kept_in_use == pytest.approx(1.6 + 1.9 + 0.5)
    assert result.by_type["tablet"]["substitution"] == pytest.approx(44.178)
    assert result.uncovered == ["scanner"]


HEADER = ",".join(impact.COLUMNS)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["device_type,new_device_kg_co2e"],
            [(1, "avoided_kg_co2e_per_year_of_reuse", "missing_column")],
        ),
        ([HEADER, "laptop,abc,27,1.9,5,x"], [(2, "new_device_kg_co2e", "not_a_number")]),
        ([HEADER, "laptop,182.6,27,-1,5,x"], [(2, "typical_weight_kg", "not_positive")]),
        ([HEADER, "laptop,182.6,27,1.9,,x"], [(2, "reference_life_years", "required")]),
        ([HEADER, "laptop,1,1,1,1,x", "laptop,1,1,1,1,x"], [(3, "device_type", "duplicate_type")]),
        ([HEADER, "toaster,1,1,1,1,x"], [(2, "device_type", "unknown_type")]),
        ([HEADER], [(2, "device_type", "empty")]),
    ],
)
def test_a_bad_factor_file_is_refused_naming_row_and_column(lines, expected):
    with pytest.raises(FactorError) as raised:
        impact.parse_factors("\n".join(lines), known_types=("laptop", "tablet"))
    found = [(p.row, p.column, p.code) for p in raised.value.problems]
    assert found[: len(expected)] == expected


def test_decimal_commas_and_an_empty_per_year_figure_are_read():
    types = impact.parse_factors(f'{HEADER}\ndesktop,"261,5",,6.3,6,city\n')
    assert types["desktop"].new_device_kg_co2e == 261.5
    assert types["desktop"].avoided_kg_co2e_per_year is None
    assert types["desktop"].source == "city"
