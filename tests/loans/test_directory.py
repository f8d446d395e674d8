"""Schools from the national directory's export (the real column layout), and the schools and
associations API."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.services import create_token
from reuse_tracker.extensions import db
from reuse_tracker.loans import directory
from reuse_tracker.loans.models import School

EXPORT = Path(__file__).parent / "data" / "annuaire-education-extrait.csv"


def _schools(db_session):
    return {
        s.uai: (s.name, s.network)
        for s in db_session.scalars(sa.select(School).order_by(School.uai))
    }


def test_the_export_creates_schools_with_their_network(runner, db_session):
    result = runner.invoke(args=["schools", "import", str(EXPORT)])
    assert result.exit_code == 0, result.output
    assert "4 schools created, 0 updated" in result.output
    schools = _schools(db_session)
    assert schools["0441101H"] == ("Ecole élémentaire publique Fictive Bellevue", "REP+")
    assert schools["0441103K"][1] == "REP" and schools["0441104L"][1] == "none"


def test_a_second_import_updates_by_uai(runner, db_session):
    runner.invoke(args=["schools", "import", str(EXPORT)])
    changed = EXPORT.read_text("utf-8-sig").replace(
        "Collège Fictif Nantes Nord;Collège", "Collège Jules Fictif;Collège"
    )
    data = directory.read(changed.encode("utf-8"))  # without a BOM this time
    result = directory.import_rows(data)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert _schools(db_session)["0441103K"][0] == "Collège Jules Fictif"


def test_the_api_export_in_lower_case_is_read_too(db_session):
    text = EXPORT.read_text("utf-8-sig")
    header, rest = text.split("\n", 1)
    rows = directory.read((header.lower() + "\n" + rest).encode("utf-8"))
    assert [row.uai for row in rows] == ["0441101H", "0441102J", "0441103K", "0441104L"]


@pytest.mark.parametrize(
    "change, where",
    [(("0441102J", "0441102A"), "line 3 · UAI"), ((";REP;", ";ZEP;"), "line 4")],
)
def test_one_bad_line_imports_nothing_and_names_the_line(
    runner, db_session, tmp_path, change, where
):
    bad = tmp_path / "bad.csv"
    bad.write_text(EXPORT.read_text("utf-8-sig").replace(*change), "utf-8")
    result = runner.invoke(args=["schools", "import", str(bad)])
    assert result.exit_code == 1 and where in result.output
    assert _schools(db_session) == {}


def test_a_file_that_is_not_the_export_says_so(db_session):
    with pytest.raises(directory.ValidationError) as refused:
        directory.read(b"uai,name\n0441101H,X\n")
    assert "identifiant_de_l_etablissement" in refused.value.message


def test_coordinators_upload_the_export_on_a_page(client, login, db_session):
    login("coordinator")
    assert client.get("/schools/import").status_code == 200
    with EXPORT.open("rb") as handle:
        response = client.post("/schools/import", data={"file": (handle, "annuaire.csv")})
    assert response.status_code == 302
    assert len(_schools(db_session)) == 4
    response = client.post("/schools/import", data={})
    assert response.status_code == 422 and "Choose the directory" in response.text


@pytest.mark.parametrize("role", ["workshop", "viewer", "mediator"])
def test_only_coordinators_import(client, login, role):
    login(role)
    assert client.get("/schools/import").status_code == 403


def test_the_schools_and_associations_api(client, make_user):
    token = create_token(make_user("coordinator"))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/schools",
        json={"uai": "0441101H", "name": "Ecole Fictive", "network": "REP+", "is_qpv": True},
        headers=headers,
    )
    assert response.status_code == 201 and response.json["network"] == "REP+"
    assert response.json["is_qpv"] is True
    response = client.post(
        "/api/v1/schools", json={"uai": "0441101A", "name": "X"}, headers=headers
    )
    assert response.status_code == 422 and "uai" in response.json["error"]["fields"]
    listed = client.get("/api/v1/schools", headers=headers).json["schools"]
    assert [s["uai"] for s in listed] == ["0441101H"]
    response = client.post(
        "/api/v1/associations",
        json={"name": "Alis 44", "contact_email": "contact@alis.example"},
        headers=headers,
    )
    assert response.status_code == 201 and response.json["id"]
    names = [
        a["name"] for a in client.get("/api/v1/associations", headers=headers).json["associations"]
    ]
    assert names == ["Alis 44"]
