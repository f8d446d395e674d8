"""Open data: small counts withheld (and enough others), valid against its Table Schema."""

from __future__ import annotations

import csv
import io
import json

import pytest

from reuse_tracker.metrics import disclosure, opendata
from tests.metrics.conftest import NOW

OPEN = "/api/v1/opendata"
PERIOD_ARGS = "from=2026-09-01&to=2026-12-31"


def _rows(*values):
    return [{"key": f"r{i}", "n": value} for i, value in enumerate(values)]


def test_small_counts_are_withheld_and_a_lone_one_gets_a_partner():
    table = disclosure.suppress(_rows(5, 20, 30, 0), ["n"], 11)
    assert [row["n"] for row in table.rows] == [None, None, 30, 0]  # 0 reveals no one
    assert table.totals == {"n": 55}
    assert table.withheld == 2


def test_two_small_counts_protect_each_other():
    table = disclosure.suppress(_rows(5, 3, 30), ["n"], 11)
    assert [row["n"] for row in table.rows] == [None, None, 30]


def test_a_small_total_is_withheld_too():
    table = disclosure.suppress(_rows(4, 0), ["n"], 11)
    assert table.rows[0]["n"] is None and table.totals == {"n": None}


def test_sums_published_elsewhere_get_their_partner_too():
    # rows 0-1 form one neighbourhood, rows 2-3 another; the neighbourhoods are published
    table = disclosure.suppress(_rows(5, 20, 4, 30), ["n"], 11, groups=[[0, 1], [2, 3]])
    assert [row["n"] for row in table.rows] == [None, None, None, None]


def test_no_withheld_cell_can_be_recovered_by_subtraction():
    values = (12, 3, 40, 7, 25, 1, 0, 18)
    table = disclosure.suppress(_rows(*values), ["n"], 11)
    hidden = [row["n"] is None for row in table.rows]
    assert sum(hidden) != 1
    assert all(v >= 11 or v == 0 or h for v, h in zip(values, hidden, strict=True))


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)"])
def test_formulas_are_neutralised(text):
    assert disclosure.neutralise(text) == "'" + text
    assert disclosure.neutralise("École") == "École"


def test_csv_cells_are_neutralised_and_written_as_data_gouv_asks():
    table = disclosure.Suppressed(
        [
            {
                "uai": "0449701F",
                "school": "=HYPERLINK(1)",
                "network": "REP+",
                "neighbourhood": "Bellevue",
                "is_qpv": True,
                "families_equipped": None,
                "loans_started": 12,
            }
        ],
        {},
        1,
    )
    text = opendata.as_csv("schools", table)
    assert text.splitlines()[1] == "0449701F,'=HYPERLINK(1),REP+,Bellevue,true,,12"


@pytest.fixture
def small_threshold(app):
    app.config["OPEN_DATA_MIN_COUNT"] = 3
    yield 3
    app.config["OPEN_DATA_MIN_COUNT"] = 11


def _csv(client, name):
    response = client.get(f"{OPEN}/{name}.csv?{PERIOD_ARGS}")
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))


def test_anyone_downloads_the_datasets_without_signing_in(scenario, frozen_clock, client):
    frozen_clock(NOW)
    for name in opendata.DATASETS:
        assert client.get(f"{OPEN}/{name}.csv").status_code == 200
        assert client.get(f"{OPEN}/{name}.json").status_code == 200
        assert client.get(f"{OPEN}/{name}.schema.json").status_code == 200
    page = client.get("/opendata")
    assert page.status_code == 200
    assert f"{OPEN}/schools.csv" in page.text
    assert client.get(f"{OPEN}/families.csv").status_code == 404


def test_with_the_default_threshold_every_small_count_is_withheld(scenario, frozen_clock, client):
    frozen_clock(NOW)
    schools = _csv(client, "schools")
    assert [row["families_equipped"] for row in schools] == ["", ""]  # 3 and 2: under 11
    body = client.get(f"{OPEN}/schools.json?{PERIOD_ARGS}").json
    assert body["threshold"] == 11
    assert body["totals"]["families_equipped"] is None  # 5: under 11 too
    waves = _csv(client, "waves")
    assert waves[0]["target"] == "6"  # a plan, not people: never withheld
    assert waves[0]["families_equipped"] == ""


def test_a_lone_small_count_is_hidden_with_a_partner(
    scenario, frozen_clock, client, small_threshold
):
    frozen_clock(NOW)
    schools = {row["school"]: row for row in _csv(client, "schools")}
    # Bellevue 3 would be shown, Nord 2 is not; the total 5 is published: Bellevue goes too
    assert schools["École Bellevue"]["families_equipped"] == ""
    assert schools["École Nord"]["families_equipped"] == ""
    body = client.get(f"{OPEN}/neighbourhoods.json?{PERIOD_ARGS}").json
    assert body["totals"]["families_equipped"] == 5
    assert [row["families_equipped"] for row in body["rows"]] == [None, None]
    monthly = {row["month"]: row for row in _csv(client, "monthly")}
    assert monthly["2026-09"]["loans_started"] == ""  # 2 of 4: withheld with a partner
    assert monthly["2026-09"]["devices_received"] == "4"


def test_no_family_is_named_anywhere(scenario, frozen_clock, client, small_threshold):
    frozen_clock(NOW)
    for name in opendata.DATASETS:
        text = client.get(f"{OPEN}/{name}.csv?{PERIOD_ARGS}").text
        text += client.get(f"{OPEN}/{name}.json?{PERIOD_ARGS}").text
        for family in scenario.families.values():
            assert family.reference not in text


def test_every_dataset_validates_against_its_published_schema(
    scenario, frozen_clock, client, small_threshold, tmp_path
):
    import frictionless  # a dev dependency (pyproject.toml): missing, the test errors

    frozen_clock(NOW)
    for name in opendata.DATASETS:
        data = client.get(f"{OPEN}/{name}.csv?{PERIOD_ARGS}").data
        schema = client.get(f"{OPEN}/{name}.schema.json").json
        (tmp_path / f"{name}.csv").write_bytes(data)
        (tmp_path / f"{name}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        resource = frictionless.Resource(
            path=f"{name}.csv",
            basepath=str(tmp_path),
            schema=frictionless.Schema.from_descriptor(schema),
        )
        report = frictionless.validate(resource)
        assert report.valid, (name, report.flatten(["rowNumber", "fieldName", "message"]))
        assert data.decode("utf-8").startswith(schema["fields"][0]["name"] + ",")


def test_the_open_data_routes_are_in_the_openapi_document_as_public(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/opendata/{dataset}.csv"]["get"]
    assert operation["security"] == []
    [dataset] = [p for p in operation["parameters"] if p["name"] == "dataset"]
    assert dataset["in"] == "path"
