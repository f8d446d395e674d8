"""The column-mapping step of the CSV import, and the mapping each donor's export keeps."""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from typing import Any

import sqlalchemy as sa

from reuse_tracker import clock, inputs
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake import csv_import
from reuse_tracker.intake.models import Donor, DonorImportMapping
from reuse_tracker.vocabulary import DeviceType


def known_donor(donor: MappingType[str, Any]) -> Donor | None:
    """The registered donor the upload form names (SIRET first, then exact name)."""
    siret = "".join(str(donor.get("siret") or "").split())
    name = " ".join(str(donor.get("name") or "").split())
    if siret:
        found = db.session.scalar(sa.select(Donor).where(Donor.siret == siret))
        if found:
            return found
    return db.session.scalar(sa.select(Donor).where(Donor.name == name)) if name else None


def remembered(donor: MappingType[str, Any]) -> dict[str, Any] | None:
    """The mapping kept for this donor's exports, as stored in an upload's meta."""
    found = known_donor(donor)
    if found is None:
        return None
    row = db.session.get(DonorImportMapping, found.id)
    return {"columns": row.columns, "values": row.values} if row else None


def as_mapping(meta: MappingType[str, Any]) -> csv_import.Mapping | None:
    chosen = meta.get("mapping")
    if not chosen:
        return None
    return csv_import.Mapping(dict(chosen.get("columns", {})), dict(chosen.get("values", {})))


def from_form(form: MappingType[str, str], parsed: csv_import.ParsedFile) -> dict[str, Any]:
    """Read the mapping step's choices; refuse a header or a type we did not offer."""
    errors: dict[str, str] = {}
    columns: dict[str, str] = {}
    for name in csv_import.COLUMN_TITLES:
        header = form.get(f"column-{name}", "").strip()
        if not header:
            continue
        if header not in parsed.headers:
            errors[f"column-{name}"] = str(_l("is not a column of the file"))
        elif header in columns.values():
            errors[f"column-{name}"] = str(_l("this column is already chosen for another field"))
        else:
            columns[name] = header
    for name in csv_import.REQUIRED_COLUMNS:
        if name not in columns:
            errors.setdefault(f"column-{name}", str(_l("choose the column that holds it")))
    values: dict[str, str] = {}
    types = {kind.value for kind in DeviceType}
    # A hidden field: "x" was a 500, 10**18 a loop without end.
    try:
        offered = inputs.integer(form.get("value-count") or 0, high=inputs.MAX_COUNT)
    except ValueError:
        raise ValidationError(
            _l("This form is incomplete or out of date: reload the page and try again.")
        ) from None
    for index in range(offered):
        raw = form.get(f"value-{index}", "")
        kind = form.get(f"type-{index}", "")
        if raw and kind:
            if kind not in types:
                errors[f"type-{index}"] = str(_l("is not a device type"))
            values[csv_import.normalise(raw)] = kind
    if errors:
        raise ValidationError(_l("Some choices are missing or invalid."), errors)
    return {"columns": columns, "values": values}


def remember(donor: Donor, mapping: MappingType[str, Any]) -> None:
    """Keep ``mapping`` for the donor's next exports (flushes)."""
    row = db.session.get(DonorImportMapping, donor.id)
    if row is None:
        row = DonorImportMapping(donor_id=donor.id)
        db.session.add(row)
    row.columns = dict(mapping.get("columns", {}))
    row.values = {**(row.values or {}), **dict(mapping.get("values", {}))}
    row.updated_at = clock.now()
    db.session.flush()
