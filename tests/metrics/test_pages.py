"""The figures page, the dashboard card, the council's report, the API and the factor sets."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from reuse_tracker import clock
from reuse_tracker.extensions import db
from reuse_tracker.metrics.models import FactorSet
from tests.api.spec_check import assert_answer_matches, fetch_spec
from tests.metrics.conftest import NOW

PERIOD_ARGS = "from=2026-09-01&to=2026-12-31"
GOOD_CSV = (
    "device_type,new_device_kg_co2e,avoided_kg_co2e_per_year_of_reuse,typical_weight_kg,"
    "reference_life_years,source\nlaptop,150,25,2,5,Ville de Nantes 2027\n"
)


@pytest.fixture
def frozen(frozen_clock):
    frozen_clock(NOW)


@pytest.mark.parametrize("role", ["coordinator", "viewer", "admin"])
def test_staff_who_read_figures_see_the_target_first_and_charts_with_tables(
    scenario, frozen, client, login, role
):
    login(role)
    page = client.get(f"/metrics?{PERIOD_ARGS}")
    assert page.status_code == 200
    text = page.text
    assert "5 / 660 families equipped" in text
    assert text.index("Target progress") < text.index("Stock by state") < text.index("By wave")
    assert text.count("<svg") == 4
    assert text.count("<title id=") == 4 and text.count("<desc id=") == 4
    assert "École Bellevue" in text and "Vague test" in text
    assert "ademe-2022-1" in text
    assert "FAM-" not in text  # no family is named


@pytest.mark.parametrize("role", ["workshop", "mediator"])
def test_other_roles_may_not_read_the_figures(scenario, frozen, client, login, role):
    login(role)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics/report.pdf").status_code == 403
    assert "families equipped" not in client.get("/").text


def test_the_page_runs_a_fixed_number_of_queries(scenario, frozen, client, login, count_queries):
    login("viewer")
    client.get(f"/metrics?{PERIOD_ARGS}")  # computes and keeps the closed period
    with count_queries() as kept:
        assert client.get(f"/metrics?{PERIOD_ARGS}").status_code == 200
    with count_queries() as fresh:
        assert client.get("/metrics").status_code == 200  # the open school year
    # user, kept figures / (user, factor set + rows, the ten aggregates)
    assert (len(kept), len(fresh)) == (2, 15), [s[:90] for s in [*kept, "--", *fresh]]


def test_a_bad_period_is_refused_naming_the_field(scenario, frozen, client, login):
    login("coordinator")
    page = client.get("/metrics?from=2026-13-01")
    assert page.status_code == 422
    assert "from" in page.text and "YYYY-MM-DD" in page.text


def test_the_dashboard_shows_the_target_progress_and_the_next_wave(scenario, frozen, client, login):
    login("coordinator")
    page = client.get("/")
    assert "5 / 660 families equipped" in page.text  # the current school year, so far
    assert 'data-verdict="' in page.text


def test_the_dashboard_card_reads_in_french(scenario, frozen, client, login, french):
    login("coordinator")
    assert "5 / 660 familles équipées" in client.get("/").text


def test_the_report_states_figures_method_and_factors(scenario, frozen, client, login):
    login("viewer")
    response = client.get(f"/metrics/report.pdf?{PERIOD_ARGS}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "5 / 660" in text
    assert "ademe-2022-1" in text
    assert "Substitution" in text and "Per year of use" in text
    assert "Vague test" in text and "16 02 14" in text


def test_the_api_answers_the_fixed_names_as_described(scenario, frozen, api):
    caller = api("viewer")
    answer = caller.get(f"/metrics?{PERIOD_ARGS}")
    assert answer.status_code == 200
    body = answer.json
    assert body["period"] == {"from": "2026-09-01", "to": "2026-12-31"}
    assert body["equipment"]["families_equipped"] == 5
    assert body["circular"]["co2e_avoided_kg"].keys() == {"substitution", "per_year_of_use"}
    assert body["equipment"]["families_accompanied"] == 0  # recorded by the loans side: none
    spec = fetch_spec(caller.client)
    assert_answer_matches(spec, "/metrics", "GET", answer)
    assert spec["paths"]["/metrics"]["get"]["x-roles"] == ["admin", "coordinator", "viewer"]
    refused = caller.get("/metrics?to=2020-01-01")
    assert refused.status_code == 422
    assert "to" in refused.json["error"]["fields"]
    assert api("mediator").get("/metrics").status_code == 403


def test_support_figures_come_from_the_loans_side_when_it_records_them(scenario, frozen, app, api):
    from reuse_tracker.features import registry

    providers = registry(app).providers
    providers["support_figures"] = lambda start, end: {
        "families_accompanied": 1200,
        "families_connected": 40,
    }
    try:
        body = api("coordinator").get("/metrics").json
    finally:
        del providers["support_figures"]
    assert body["equipment"]["families_accompanied"] == 1200
    assert body["equipment"]["families_connected"] == 40


def test_an_admin_loads_a_city_set_and_a_bad_one_changes_nothing(scenario, client, login):
    login("admin")
    bad = GOOD_CSV.replace("150", "beaucoup")
    page = client.post(
        "/metrics/factors",
        data={
            "version": "nantes-2027",
            "published_on": "2027-01-10",
            "source": "Ville",
            "file": (io.BytesIO(bad.encode()), "factors.csv"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert "line 2, column “new_device_kg_co2e”: “beaucoup” is not a number" in page.text
    assert not db.session.scalar(sa.select(FactorSet.id).where(FactorSet.version == "nantes-2027"))
    done = client.post(
        "/metrics/factors",
        data={
            "version": "nantes-2027",
            "published_on": "2027-01-10",
            "source": "Ville",
            "file": (io.BytesIO(GOOD_CSV.encode()), "factors.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "nantes-2027" in done.text and "Ville de Nantes 2027" in done.text


def test_the_upload_error_is_in_french(scenario, client, login, french):
    login("admin")
    page = client.post(
        "/metrics/factors",
        data={
            "version": "",
            "published_on": "2027-01-10",
            "source": "Ville",
            "file": (io.BytesIO(b"device_type\nlaptop\n"), "factors.csv"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert "ligne 1, colonne « new_device_kg_co2e » : la colonne manque" in page.text


def test_only_admins_load_factor_sets(scenario, client, login):
    login("coordinator")
    assert client.get("/metrics/factors").status_code == 200
    assert client.post("/metrics/factors", data={}).status_code == 403


def test_the_cli_loads_a_set_or_names_the_bad_line(scenario, runner, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    bad.write_text(GOOD_CSV.replace(",2,5,", ",-2,5,"), encoding="utf-8")
    options = ["--version", "v-cli", "--date", "2027-01-10", "--source", "Ville"]
    refused = runner.invoke(args=["metrics", "load-factors", str(bad), *options])
    assert refused.exit_code == 1
    assert "line 2, column “typical_weight_kg”" in refused.output
    loaded = runner.invoke(args=["metrics", "load-factors", str(good), *options])
    assert loaded.exit_code == 0, loaded.output
    assert db.session.scalar(sa.select(FactorSet.version).order_by(FactorSet.id.desc())) == "v-cli"
    with clock.freeze(NOW):
        result = runner.invoke(args=["metrics", "recompute"])
    assert result.exit_code == 0 and "recomputed" in result.output


def test_the_donor_impact_provider(scenario, app):
    from reuse_tracker.features import registry

    donor_id = scenario.devices["D1"].donation.donor_id
    with clock.freeze(NOW):
        impact = registry(app).providers["donor_impact"](donor_id)
    # every device came from the same donor: 5 received, 4 lent (D1, D2, D4, D5)
    assert (impact["received"], impact["reused"]) == (5, 4)
    assert (impact["recycled"], impact["harvested"]) == (2, 0)
    assert impact["kg_kept_in_use"] == 2.0 + 1.5 + 0.5 + 2.2
    assert impact["co2e_avoided_kg"]["substitution"] == round(3 * 182.6 * 0.74 + 59.7 * 0.74, 1)
    assert impact["factor_set"] == "ademe-2022-1"
    assert "Parts" in impact["method_note"]


def test_pages_and_exports_run_as_many_queries_whatever_the_data(
    scenario, frozen, client, login, count_queries
):
    from reuse_tracker.loans import families
    from tests.metrics.conftest import READY_PATH, _act, _lend, _receive, at

    login("viewer")
    names = ("monthly", "waves", "schools", "neighbourhoods")
    paths = ["/metrics", "/metrics/report.pdf", *(f"/api/v1/opendata/{n}.csv" for n in names)]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with count_queries() as statements:
                assert client.get(path).status_code == 200, path
            found.append(len(statements))
        return found

    counts()  # the first figures store the shipped factor set
    before = counts()
    school = scenario.schools["S2"]
    for number in range(3):  # three more devices received and lent to three more families
        with clock.freeze(at(12, 1)):
            family = families.create_family(
                {
                    "wave": scenario.wave.id,
                    "school": school.id,
                    "child_class": "CM2",
                    "association": scenario.association.id,
                },
                None,
            )
            db.session.commit()
        device = _receive(f"X{number}", "laptop", at(12, 2), None)
        _act(device, at(12, 3), *READY_PATH)
        _lend(device, family, scenario.wave, at(12, 4))
    assert counts() == before
