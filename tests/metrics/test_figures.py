"""Every figure of the hand-computed programme (``conftest.py``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reuse_tracker import clock
from reuse_tracker.extensions import db
from reuse_tracker.metrics import aggregates, figures
from reuse_tracker.metrics.aggregates import Period
from reuse_tracker.metrics.models import PeriodFigures
from tests.metrics.conftest import NOW, PERIOD

#: The period runs from 31 Aug 22:00 UTC (1 Sept in Paris) to 31 Dec 23:00 UTC.
PERIOD_DAYS = 122 + 1 / 24
#: Days each loan spent with its family within the period.
LAPTOP_DAYS = PERIOD_DAYS + 30 + 30 + (41 + 13 / 24)  # D5 all along, D1 twice, D2 once
TABLET_DAYS = 82 + 13 / 24  # D4 from 10 Oct 10:00 to 31 Dec 23:00


@pytest.fixture
def figures_now(scenario):
    with clock.freeze(NOW):
        data = figures.for_period(PERIOD)
        db.session.commit()
    return data


def test_equipment_figures(figures_now):
    e = figures_now["equipment"]
    assert e["target"] == 660
    # F0 (spanning the start), F1 and F3 (returned during it), F4, F2
    assert e["families_equipped"] == 5
    assert e["families_equipped_at_end"] == 3
    assert e["loans_started"] == 4
    assert e["re_loans"] == 1  # D1's second life
    assert e["returns"] == 2
    assert (e["lost"], e["transferred"]) == (0, 0)
    assert e["devices_on_loan"] == 3  # D5, D4, D1
    # first hand-overs in the period: 10, 15 and 30 days after intake
    assert e["median_days_intake_to_family"] == 15.0
    # 4 mark_ready (D1 twice, D2, D4) over 122 days and an hour
    assert e["workshop_ready_per_week"] == round(4 / (PERIOD_DAYS / 7), 1)
    assert e["yield"] == 0.75  # 3 reused ÷ 4 received
    # The loans side records support sessions and connection offers: none in this programme.
    assert e["families_accompanied"] == 0 and e["families_connected"] == 0
    assert e["support_target"] == 2500


def test_breakdowns_by_wave_school_neighbourhood_network(figures_now):
    e = figures_now["equipment"]
    [wave] = e["by_wave"]
    assert (wave["target"], wave["targets"]) == (6, {"laptop": 5, "tablet": 1})
    assert (wave["families_equipped"], wave["loans_started"], wave["devices_on_loan"]) == (5, 4, 3)
    schools = {s["name"]: (s["families_equipped"], s["loans_started"]) for s in e["by_school"]}
    assert schools == {"École Bellevue": (3, 2), "École Nord": (2, 2)}
    assert e["by_neighbourhood"] == [
        {"neighbourhood": "Bellevue", "is_qpv": True, "families_equipped": 3},
        {"neighbourhood": "Nantes Nord", "is_qpv": False, "families_equipped": 2},
    ]
    assert e["by_network"] == {"REP+": 3, "REP": 2}
    assert e["by_qpv"] == {"qpv": 3, "other": 2}
    # F0 in June, F1 and F3 in September, F4 in October, F2 in November
    assert e["equipped_by_month"] == [
        ["2026-06", 1],
        ["2026-09", 2],
        ["2026-10", 1],
        ["2026-11", 1],
    ]


def test_circular_figures(figures_now):
    c = figures_now["circular"]
    assert c["devices_received"] == 4  # D5 came before the period
    assert c["devices_reused"] == 3  # D1 (once, though lent twice), D2, D4
    assert c["devices_recycled"] == 2  # D2 after its return, D3 after its harvest
    assert c["devices_harvested"] == 1
    assert c["reuse_rate"] == 0.75  # 3 ÷ (3 + D3, never lent)
    assert c["kg_kept_in_use"] == 4.0  # 2.00 + 1.50 + the tablet's typical 0.5
    assert c["kg_weee"] == 7.4  # 1.4 + 6.0 weighed at recycling
    assert (c["parts_harvested"], c["parts_reused"]) == (2, 1)
    # 2 laptops × 182.6 × 0.74 + 1 tablet × 59.7 × 0.74
    assert c["co2e_avoided_kg"]["substitution"] == round(2 * 182.6 * 0.74 + 59.7 * 0.74, 1)
    per_year = LAPTOP_DAYS / 365.25 * 27 + TABLET_DAYS / 365.25 * 20
    assert c["co2e_avoided_kg"]["per_year_of_use"] == round(per_year, 1)
    by_type = {t["device_type"]: t for t in c["by_type"]}
    assert by_type["desktop"]["waste_code"] == "16 02 14"
    assert by_type["desktop"]["kg_weee"] == 6.0
    assert by_type["laptop"]["waste_code"] == "16 02 13*"
    assert by_type["tablet"]["kg_kept_in_use"] == 0.5
    assert c["factors"]["version"] == "ademe-2022-1"
    assert "ADEME" in c["factors"]["source"]
    assert set(c["methods"]) == {"substitution", "per_year_of_use", "parts"}


def test_stock_now(figures_now):
    stock = figures_now["stock"]
    assert stock["on_loan"] == {"laptop": 2, "tablet": 1}
    assert stock["recycled"] == {"laptop": 1, "desktop": 1}


def test_at_a_date_inside_the_period(scenario):
    with clock.freeze(NOW):
        data = figures.for_period(Period(PERIOD.start, clock.today().replace(2026, 10, 22)))
    e = data["equipment"]
    # 22 Oct: D5, D2 (back on 25 Oct), D4 out; D1 came back on 20 Oct
    assert e["devices_on_loan"] == 3
    assert e["families_equipped_at_end"] == 3
    assert e["returns"] == 1


def test_a_closed_period_keeps_its_figures_until_recomputed(scenario, figures_now):
    from reuse_tracker.metrics import factors

    kept = db.session.query(PeriodFigures).one()
    assert kept.figures == figures_now
    csv_text = "\n".join(
        [
            "device_type,new_device_kg_co2e,avoided_kg_co2e_per_year_of_reuse,"
            "typical_weight_kg,reference_life_years,source",
            "laptop,100,10,2,5,ville",
            "tablet,50,10,1,3,ville",
        ]
    )
    factors.load(csv_text, version="nantes-2027", published_on="2027-01-10", source="Ville")
    db.session.commit()
    with clock.freeze(NOW):
        again = figures.for_period(PERIOD)
        assert again["circular"]["factors"]["version"] == "ademe-2022-1"
        redone = figures.for_period(PERIOD, recompute=True)
    assert redone["circular"]["factors"]["version"] == "nantes-2027"
    # 2 laptops × 100 × 0.74 + 1 tablet × 50 × 0.74
    assert redone["circular"]["co2e_avoided_kg"]["substitution"] == round(
        2 * 100 * 0.74 + 50 * 0.74, 1
    )
    assert redone["circular"]["kg_kept_in_use"] == 4.5  # the city's tablet weighs 1 kg


def test_the_figures_run_a_fixed_number_of_queries(scenario, count_queries):
    from reuse_tracker.metrics import factors

    factor_set = factors.current()
    db.session.commit()
    factor_set = factors.current()
    with clock.freeze(NOW), count_queries() as statements:
        figures.compute(PERIOD, factor_set)
    # devices, loans, reused, events, families, schools, median, parts, waves, months
    assert len(statements) == 12, statements  # ten aggregates, two for the support figures


def test_an_open_period_is_kept_for_a_few_minutes_then_computed_again(app, scenario):
    """Seen on 30 Dec, the autumn is open: its figures are kept METRICS_MAX_AGE seconds."""
    from datetime import timedelta

    from tests.metrics.conftest import _receive, at

    app.config["METRICS_MAX_AGE"] = 300
    figures.forget()
    try:
        with clock.freeze(at(12, 30)):
            first = figures.for_period(PERIOD)
            assert figures.computed_at(PERIOD) == clock.now()
        _receive("D6", "laptop", at(12, 30, 2026) + timedelta(minutes=1), "2.0")
        with clock.freeze(at(12, 30) + timedelta(minutes=4)):
            assert figures.for_period(PERIOD) == first  # within five minutes: kept
        with clock.freeze(at(12, 30) + timedelta(minutes=5)):
            again = figures.for_period(PERIOD)
            assert figures.computed_at(PERIOD) == clock.now()
        waiting = [f["stock"].get("received", {}).get("laptop", 0) for f in (first, again)]
        assert waiting[1] == waiting[0] + 1  # D6 waits at intake
    finally:
        app.config["METRICS_MAX_AGE"] = 0
        figures.forget()
    assert db.session.query(PeriodFigures).count() == 0  # an open period is never stored


@pytest.fixture
def read_card(app):
    """Read the dashboard's target card as a coordinator, the worker keeping figures 5 minutes."""
    from reuse_tracker.metrics import panel

    class Coordinator:
        def has_role(self, *roles):
            return True

    app.config["METRICS_MAX_AGE"] = 300
    figures.forget()
    yield lambda: panel.target_panel(Coordinator())
    app.config["METRICS_MAX_AGE"] = 0
    figures.forget()


def test_the_dashboard_card_reads_the_kept_figures_when_a_worker_has_them(
    scenario, count_queries, read_card
):
    from tests.metrics.conftest import at

    with clock.freeze(at(12, 30)):
        with count_queries() as alone:
            card = read_card()
        kept = figures.for_period(figures.default_period())
        with count_queries() as reading:
            again = read_card()
    assert card["equipped"] == again["equipped"] == kept["equipment"]["families_equipped"]
    assert len(reading) == len(alone) - 1  # no count of the programme's loans


def test_the_dashboard_card_keeps_its_count_as_long_as_figures_are_kept(
    scenario, count_queries, read_card
):
    from tests.metrics.conftest import at

    with clock.freeze(at(12, 30)):
        with count_queries() as first:
            card = read_card()
        with count_queries() as second:
            again = read_card()
        counted, _at_end = aggregates.families_equipped(figures.default_period())
    six_minutes_later = clock.freeze(at(12, 30) + timedelta(minutes=6))  # older than 5
    with six_minutes_later, count_queries() as later:
        read_card()
    assert card["equipped"] == again["equipped"] == counted > 0
    assert len(second) == len(first) - 1  # the loans are not counted again
    assert len(later) == len(first)  # counted again once the count is old
