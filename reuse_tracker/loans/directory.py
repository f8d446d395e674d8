"""Schools from the national directory: the "Annuaire de l'éducation" export, by UAI.

The Éducation nationale publishes its directory (data.education.gouv.fr, dataset
``fr-en-annuaire-education``) as a ``;``-separated UTF-8 file, with or without a byte-order
mark, one establishment a line, some seventy columns: ``Identifiant_de_l_etablissement`` (the
UAI), ``Nom_etablissement``, ``Type_etablissement``, ``Statut_public_prive``, ``Adresse_1``,
``Code_postal``, ``Code_commune``, ``Nom_commune``, … ``Appartenance_Education_Prioritaire``
(``REP``, ``REP+`` or empty), … Exported through its API the same names come in lower case.
Only the UAI, the name, the commune and the priority network are read; the rest is ignored.
A file with one bad line changes nothing and names the line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa

from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans.models import School
from reuse_tracker.loans.programme import check_uai

UAI, NAME, TYPE, COMMUNE, NETWORK = (
    "identifiant_de_l_etablissement",
    "nom_etablissement",
    "type_etablissement",
    "nom_commune",
    "appartenance_education_prioritaire",
)
REQUIRED = (UAI, NAME)
#: The directory's words for the priority networks, and ours.
NETWORKS = {"REP+": "REP+", "REP": "REP", "": "none"}
MAX_ROWS = 100_000


@dataclass(frozen=True)
class DirectoryRow:
    uai: str
    name: str
    kind: str
    commune: str
    network: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def read(data: bytes) -> list[DirectoryRow]:
    """Read the export; raise ValidationError naming each bad line (nothing is kept then)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _l("The file is not in UTF-8: export it again from the directory.")
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    header = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _l(
                "This is not the directory's export: the columns %(columns)s are missing.",
                columns=", ".join(f"“{name}”" for name in missing),
            )
        )
    rows, errors = [], {}
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise ValidationError(_l("The file has more than %(n)s lines.", n=MAX_ROWS))
        values = {key: (raw.get(name) or "").strip() for key, name in header.items()}
        row = _row(values, number, errors)
        if row:
            rows.append(row)
    if errors:
        raise ValidationError.nothing_recorded(errors)
    return rows


def _row(values: dict[str, str], number: int, errors: dict[str, str]) -> DirectoryRow | None:
    where = str(_l("line %(n)s", n=number))
    uai, problem = check_uai(values.get(UAI, ""))
    if problem:
        errors[f"{where} · UAI"] = f"{uai or '—'} : {problem}" if uai else problem
    name = values.get(NAME, "")
    if not name or len(name) > 200:
        errors[f"{where} · {_l('name')}"] = str(_l("is required (at most 200 characters)"))
    network = NETWORKS.get(values.get(NETWORK, "").upper().replace(" ", ""))
    if network is None:
        errors[f"{where} · {_l('priority network')}"] = str(
            _l("must be REP, REP+ or empty, not “%(value)s”", value=values.get(NETWORK, "")[:20])
        )
    if problem or network is None or not name or len(name) > 200:
        return None
    return DirectoryRow(uai, name, values.get(TYPE, ""), values.get(COMMUNE, ""), network)


def import_rows(rows: list[DirectoryRow]) -> ImportResult:
    """Create the schools not known yet and update the others, by UAI (two queries); flush."""
    by_uai = {row.uai: row for row in rows}  # a UAI listed twice: its last line wins
    known = {
        school.uai: school
        for school in db.session.scalars(sa.select(School).where(School.uai.in_(list(by_uai))))
    }
    created = updated = unchanged = 0
    for uai, row in by_uai.items():
        school = known.get(uai)
        if school is None:
            db.session.add(School(uai=uai, name=row.name, network=row.network))
            created += 1
        elif (school.name, school.network) != (row.name, row.network):
            school.name, school.network = row.name, row.network
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    return ImportResult(created, updated, unchanged)
