"""The new-donation form (donor, date, a grid of device rows) and the CSV upload form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField

from reuse_tracker.i18n import lazy_gettext as _l

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms < 3.3 takes (value, label) pairs

    def SelectChoice(value, label):
        return (value, label)


from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import labelled
from reuse_tracker.intake import csv_import
from reuse_tracker.intake.models import DONOR_KINDS
from reuse_tracker.vocabulary import TYPE_TITLES

#: Rows the grid shows at first, and how many "more rows" adds.
GRID_ROWS = 10
#: Rows one form may carry; more belongs in a CSV import.
GRID_MAX_ROWS = 500

DONOR_KIND_TITLES = {
    "company": _l("company"),
    "public_body": _l("public body"),
    "association": _l("association"),
    "individual": _l("individual"),
}
#: The grid's columns, in typing order.
DEVICE_FIELDS = (
    "type",
    "brand",
    "model",
    "serial",
    "asset_tag",
    "donor_asset_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "year",
    "weight_kg",
)
#: Where the service's donor errors are shown in the form.
DONOR_FIELDS = {
    "donor.name": "donor_name",
    "donor.kind": "donor_kind",
    "donor.siret": "siret",
    "donor.contact_email": "contact_email",
    "donor.contact_name": "contact_name",
    "donor.contact_phone": "contact_phone",
    "donor.address": "address",
    "received_on": "received_on",
    "notes": "notes",
}


def _text(label, length: int, **render_kw) -> StringField:
    return StringField(label, render_kw={"maxlength": length, "autocomplete": "off", **render_kw})


class DeviceRowForm(Form):
    """One row of the grid; the service checks the values."""

    type = SelectField(
        _l("Type"),
        validate_choice=False,
        choices=[SelectChoice("", "—")] + [SelectChoice(k, TYPE_TITLES[k]) for k in DEVICE_TYPES],
    )
    brand = _text(_l("Brand"), 80)
    model = _text(_l("Model"), 120)
    serial = _text(_l("Serial number"), 80, spellcheck="false")
    #: A pre-printed label scanned into the row: the device takes its tag.
    asset_tag = _text(_l("Pre-printed label"), 300, spellcheck="false")
    donor_asset_number = _text(_l("Donor asset number"), 80, spellcheck="false")
    cpu = _text(_l("Processor"), 120)
    ram_gb = _text(_l("RAM (GB)"), 6, inputmode="numeric")
    storage_gb = _text(_l("Storage (GB)"), 8, inputmode="numeric")
    year = _text(_l("Year"), 4, inputmode="numeric")
    weight_kg = _text(_l("Weight (kg)"), 7, inputmode="decimal")


class DonorForm(FlaskForm):
    """The donor and the reception: what every donation starts with."""

    donor_name = _text(_l("Donor"), 200, list="donor-names")
    donor_kind = SelectField(
        _l("Kind of donor"),
        default="company",
        validate_choice=False,
        choices=[SelectChoice(kind, DONOR_KIND_TITLES[kind]) for kind in DONOR_KINDS],
    )
    siret = _text(_l("SIRET"), 20, inputmode="numeric")
    contact_name = _text(_l("Contact name"), 120)
    contact_email = _text(_l("Contact email"), 254, type="email")
    contact_phone = _text(_l("Contact phone"), 40, type="tel")
    address = TextAreaField(_l("Address"), render_kw={"rows": 2, "maxlength": 500})
    received_on = StringField(_l("Received on"), render_kw={"type": "date"})
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2, "maxlength": 2000})


class DonationForm(DonorForm):
    """A donation typed in: the donor, the reception, and one row per device."""

    #: Rows are padded by ``add_empty_rows``, not ``min_entries``: WTForms would fill the
    #: padding from the posted data again when the posted indices have gaps.
    devices = FieldList(FormField(DeviceRowForm), max_entries=GRID_MAX_ROWS)


class ImportForm(DonorForm):
    """A CSV file of devices, with the donor and the reception date."""

    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})


def donor_data(form: FlaskForm) -> dict[str, Any]:
    """Return the donor's fields as the intake service takes them."""
    return {
        "name": form.donor_name.data,
        "kind": form.donor_kind.data,
        "siret": form.siret.data,
        "contact_name": form.contact_name.data,
        "contact_email": form.contact_email.data,
        "contact_phone": form.contact_phone.data,
        "address": form.address.data,
    }


def import_form_from(meta: dict[str, Any]) -> ImportForm:
    """Return the upload form filled in again from what a stored upload kept of it."""
    donor = meta["donor"]
    fields = {
        "donor_name": "name",
        "donor_kind": "kind",
        "siret": "siret",
        "contact_name": "contact_name",
        "contact_email": "contact_email",
        "contact_phone": "contact_phone",
        "address": "address",
    }
    data = {field: donor.get(key) for field, key in fields.items()}
    return ImportForm(
        formdata=None, data={**data, "received_on": meta["received_on"], "notes": meta["notes"]}
    )


def device_rows(form: DonationForm) -> tuple[list[dict[str, str]], list[int]]:
    """Return the rows that hold anything, and the position of each in the grid."""
    rows, positions = [], []
    for position, entry in enumerate(form.devices.entries):
        values = {name: (entry.form[name].data or "").strip() for name in DEVICE_FIELDS}
        if any(values.values()):
            rows.append(values)
            positions.append(position)
    return rows, positions


def add_empty_rows(form: DonationForm, count: int = 0) -> None:
    """Append ``count`` empty rows, then pad the grid to its first size; up to its maximum."""
    wanted = min(max(len(form.devices.entries) + count, GRID_ROWS), GRID_MAX_ROWS)
    while len(form.devices.entries) < wanted:
        form.devices.append_entry()


def show_errors(
    form: FlaskForm, errors: dict[str, str], row_positions: dict[str, int]
) -> list[tuple[str, str]]:
    """Attach each error to its field; return (field id, message) pairs for the summary.

    ``row_positions`` gives the grid position of each row label used in the keys.
    """
    summary = []
    for key, message in errors.items():
        field = _field_for(form, key, row_positions)
        if field is not None:
            field.errors = [*field.errors, message]
            place = key.rpartition(" · ")[0]
            title = f"{place} · {field.label.text}" if place else field.label.text
            summary.append((field.id, labelled(title, message)))
        else:
            summary.append(("", labelled(key, message) if key != "devices" else message))
    return summary


def _field_for(form: FlaskForm, key: str, row_positions: dict[str, int]):
    if key in DONOR_FIELDS:
        return form[DONOR_FIELDS[key]]
    label, _sep, name = key.rpartition(" · ")
    if label in row_positions and name in DEVICE_FIELDS and isinstance(form, DonationForm):
        return form.devices.entries[row_positions[label]].form[name]
    return None


def too_many_rows(formdata) -> bool:
    """Tell whether more rows were sent than the grid takes (WTForms would drop the rest)."""
    indices = {key.split("-")[1] for key in formdata if key.startswith("devices-")}
    return len(indices) > GRID_MAX_ROWS


def import_errors(form: FlaskForm, errors: dict[str, str], parsed) -> list[tuple[str, str]]:
    """Show the donor's errors at their fields; list every error, the file's by line."""
    donor_errors = {key: text for key, text in errors.items() if key in DONOR_FIELDS}
    others = {key: text for key, text in errors.items() if key not in DONOR_FIELDS}
    listed = [("", text) for _id, text in show_errors(form, donor_errors, {})]
    return listed + csv_import.describe_errors(others, parsed)
