"""The loan pages' forms: they render and collect; the services check the values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from reuse_tracker.i18n import lazy_gettext as _l

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms < 3.3 takes (value, label) pairs

    def SelectChoice(value, label):
        return (value, label)


from reuse_tracker import inputs
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import INVALID_FIELDS, ValidationError, labelled
from reuse_tracker.loans.models import CLASSES
from reuse_tracker.vocabulary import TYPE_TITLES

NETWORK_TITLES = {"REP+": _l("REP+"), "REP": _l("REP"), "none": _l("none")}
SOURCE_TITLES = {
    "school": _l("school (national education)"),
    "social_services": _l("city social services"),
    "association": _l("association"),
}
NEED_TITLES = {
    "computer": _l("a computer"),
    "connection": _l("an internet connection"),
    "support": _l("support with digital tools"),
}
#: The legend of a wave's targets, the ``target_<type>`` inputs.
TARGETS_LABEL = _l("Target number of devices per type")
#: Device types a family may need (monitors come with a desktop).
FAMILY_DEVICE_TYPES = tuple(kind for kind in DEVICE_TYPES if kind != "monitor")


def choices(pairs: Iterable[tuple[str, Any]], blank: bool = False) -> list:
    """Return select options as this WTForms version wants them, after an optional blank."""
    options = [("", "—")] if blank else []
    return [SelectChoice(value, label) for value, label in [*options, *pairs]]


def _text(label, length: int, **render_kw) -> StringField:
    return StringField(label, render_kw={"maxlength": length, **render_kw})


def _select(label, pairs, blank: bool = True) -> SelectField:
    return SelectField(label, choices=choices(pairs, blank), validate_choice=False)


class SchoolForm(FlaskForm):
    name = _text(_l("Name"), 200)
    uai = _text(
        _l("UAI code"), 8, placeholder="0441234A", autocapitalize="characters", spellcheck="false"
    )
    network = _select(_l("Priority-education network"), NETWORK_TITLES.items(), blank=False)
    neighbourhood = _text(_l("Neighbourhood"), 120)
    is_priority_neighbourhood = BooleanField(_l("Priority neighbourhood (QPV)"))


class AssociationForm(FlaskForm):
    name = _text(_l("Name"), 120)
    contact_email = _text(_l("Contact email"), 254, type="email")


class WaveForm(FlaskForm):
    """A new wave; its targets are the ``target_<type>`` inputs of the page."""

    name = _text(_l("Name"), 120)
    starts_on = StringField(_l("Starts on"), render_kw={"type": "date"})
    ends_on = StringField(_l("Ends on"), render_kw={"type": "date"})
    schools = SelectMultipleField(
        _l("Schools covered"), coerce=str, validate_choice=False, render_kw={"size": 8}
    )


class WaveEditForm(WaveForm):
    """An existing wave, with the version of it the form was filled from."""

    version = HiddenField()


def wave_data(form: WaveForm, formdata: Mapping[str, str]) -> dict[str, Any]:
    """Return the wave's fields as the services take them; targets from ``target_<type>``."""
    targets = {
        kind: formdata.get(f"target_{kind}", "").strip() or "0"
        for kind in DEVICE_TYPES
        if f"target_{kind}" in formdata
    }
    return {
        "name": form.name.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "targets": targets,
        "schools": form.schools.data,
    }


def target_values(targets: Mapping[str, int]) -> dict[str, str]:
    """Return a wave's targets as the ``target_<type>`` inputs show them."""
    return {f"target_{kind}": str(count) for kind, count in targets.items()}


class FamilyForm(FlaskForm):
    referral_source = _select(_l("Referred by"), SOURCE_TITLES.items(), blank=False)
    referred_on = StringField(_l("Referred on"), render_kw={"type": "date"})
    school = _select(_l("School"), [])
    child_class = _select(_l("Child's class"), [(c, c) for c in CLASSES])
    neighbourhood = _text(_l("Neighbourhood"), 120)
    needs = SelectMultipleField(
        _l("Needs"), choices=choices(NEED_TITLES.items()), validate_choice=False
    )
    device_type = _select(
        _l("Device needed"), [(k, TYPE_TITLES.get(k, k)) for k in FAMILY_DEVICE_TYPES], blank=False
    )
    association = _select(_l("Accompanying association"), [])
    wave = _select(_l("Waiting list of the wave"), [])
    parent_name = _text(_l("Parent's name"), 120, autocomplete="off")
    phone = _text(_l("Phone"), 40, type="tel", autocomplete="off")
    email = _text(_l("Email"), 254, type="email", autocomplete="off")
    address = TextAreaField(_l("Address"), render_kw={"rows": 2, "maxlength": 300})
    consent = BooleanField(_l("The family agrees to these details being kept for the loan"))


#: The family form's inputs that every browser sends, even empty (checkboxes aside).
FAMILY_INPUTS = (
    "referral_source",
    "referred_on",
    "school",
    "child_class",
    "neighbourhood",
    "device_type",
    "association",
    "wave",
)
#: The contact inputs, shown (and so sent) unless the family was pseudonymised.
CONTACT_INPUTS = ("parent_name", "phone", "email", "address")


def family_data(form: FamilyForm, sent: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the family's fields as the service takes them: only those present in ``sent``."""
    names = (*FAMILY_INPUTS, *CONTACT_INPUTS)
    data = {name: form[name].data for name in names if sent is None or name in sent}
    if sent is None or "needs" in sent:
        data["needs"] = [need for need in form.needs.data or [] if need]
    data["consent"] = form.consent.data
    return data


def missing_inputs(sent: Mapping[str, Any], with_contact: bool) -> dict[str, str]:
    """Name the inputs an edit form lacks: a form without them is refused, never read as erase."""
    expected = (*FAMILY_INPUTS, "needs", *(CONTACT_INPUTS if with_contact else ()))
    return {name: str(_l("missing from the form sent")) for name in expected if name not in sent}


def show_errors(form: FlaskForm, errors: dict[str, str]) -> list[tuple[str, str]]:
    """Attach each error to its field; return (field id, message) pairs for the summary."""
    summary = []
    for key, message in errors.items():
        if key == "targets":
            summary.append(("targets", labelled(str(TARGETS_LABEL), message)))
            continue
        if key.startswith("targets."):
            kind = key.partition(".")[2]
            title = str(TYPE_TITLES.get(kind, kind)).capitalize()
            summary.append((f"target_{kind}", labelled(title, message)))
            continue
        field = form._fields.get(key)
        if field is not None:
            field.errors = [*field.errors, message]
            summary.append((field.id, labelled(field.label.text, message)))
        else:
            summary.append(("", labelled(key, message)))
    return summary


_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def proposal_confirmation(sent: Mapping[str, str]) -> tuple[str, int]:
    """Return the proposal a confirmation form was shown (fingerprint, number of devices).

    Refuse a missing or malformed one naming its field: it is never read as "any proposal".
    """
    errors = {}
    fingerprint = str(sent.get("fingerprint", "")).strip().lower()
    if not _FINGERPRINT.fullmatch(fingerprint):
        errors["fingerprint"] = str(_l("missing or unreadable: reload the page and confirm again"))
    try:
        devices = inputs.integer(sent.get("devices"), low=1, high=inputs.MAX_COUNT)
    except ValueError:
        devices = 0
        errors["devices"] = str(_l("must be the number of devices the page proposed"))
    if errors:
        raise ValidationError(
            INVALID_FIELDS,
            errors,
            {"fingerprint": _l("Proposal shown"), "devices": _l("Devices to reserve")},
        )
    return fingerprint, devices
