"""Hostile input: every route that reads a number or a text, fed what breaks naive parsers.

Each case walks its hostile values as every role (pages signed in, the API with a bearer
token) and checks that no answer is a server error and that nothing was stored: the value
is refused (naming the field) or, in a list's filter, ignored. Each case's base request is
valid (``test_base_requests_are_accepted``), so a value silently ignored shows as a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from tests.hostile import (
    API_CALLS,
    DONATION_BODY,
    DONATION_FORM,
    FORMS,
    GETS,
    NUMBERS,
    ROLES,
    SIRETS,
    STEP_FORMS,
    TEXTS,
    fill,
    poisoned,
    snapshot,
)
from tests.hostile import show as _show

#: How many hostile requests each kind of case sends, for the closing figures.
TRIED: dict[str, int] = {}


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def _form_requests(names) -> Iterator[tuple[str, str, str, list[dict[str, Any]]]]:
    """Yield each form field with the forms that carry its hostile values."""
    for case, address, base, hostile in FORMS + STEP_FORMS:
        for field, values in hostile.items():
            forms = [_without_none(poisoned(fill(base, names), field, value)) for value in values]
            yield case, field, fill(address, names), forms


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_and_path_values(world, role):
    names, callers = world
    page, headers = callers[role]
    before = snapshot()
    errors = []
    for template in GETS:
        for value in [*NUMBERS, *TEXTS[:2], *SIRETS[:1]]:
            address = template.format(**{**names, "v": value})
            answer = page.get(address, headers=headers if "/api/" in address else None)
            TRIED["get"] = TRIED.get("get", 0) + 1
            if answer.status_code >= 500:
                errors.append((address[:80], answer.status_code))
    assert errors == []
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_hostile_form_values(world, role):
    names, callers = world
    page, _headers = callers[role]
    before = snapshot()
    errors = []
    for case, field, address, forms in _form_requests(names):
        for data in forms:
            answer = page.post(address, data=data)
            TRIED["form"] = TRIED.get("form", 0) + 1
            if answer.status_code >= 500:
                errors.append((case, field, _show(data.get(field)), answer.status_code))
        if snapshot() != before:  # one look per field: the values are tried one after another
            errors.append((case, field, "one of its values", "stored"))
            before = snapshot()
    assert errors == []


@pytest.mark.parametrize("role", ROLES)
def test_hostile_api_values(world, role):
    names, callers = world
    page, headers = callers[role]
    before = snapshot()
    errors = []
    for case, path, base, hostile in API_CALLS:
        for field, values in hostile.items():
            for value in values:
                body = poisoned(fill(base, names), field, value)
                answer = page.post(f"/api/v1{fill(path, names)}", json=body, headers=headers)
                TRIED["api"] = TRIED.get("api", 0) + 1
                if not 400 <= answer.status_code < 500:  # refused, and not a server error
                    errors.append((case, field, _show(value), answer.status_code))
                if answer.status_code in (400, 422) and field.split(".")[0] not in answer.text:
                    errors.append((case, field, _show(value), "field not named"))
            if snapshot() != before:
                errors.append((case, field, "one of its values", "stored"))
                before = snapshot()
    assert errors == []


def test_base_requests_are_accepted(world):
    """Each case's base request is accepted: the refusals above are the hostile value's."""
    names, callers = world
    page, headers = callers["admin"]
    for case, address, base, _hostile in FORMS:
        before = snapshot()
        answer = page.post(fill(address, names), data=fill(base, names))
        assert answer.status_code == 302, (case, answer.status_code)
        assert snapshot() != before, case
    for case, address, base, _hostile in STEP_FORMS:  # the step shows the next: the preview
        uploader = callers["coordinator"][0]  # an upload belongs to who made it
        answer = uploader.post(fill(address, names), data=fill(base, names))
        assert answer.status_code == 200 and 'name="token"' in answer.text, case
    for case, path, base, _hostile in API_CALLS:
        names["version"] = db.session.get(Device, names["device_id"]).version
        before = snapshot()
        answer = page.post(f"/api/v1{fill(path, names)}", json=fill(base, names), headers=headers)
        assert answer.status_code in (200, 201), (case, answer.text)
        assert snapshot() != before, case


def test_a_long_donor_address_is_refused_naming_the_field(world):
    _names, callers = world
    page, headers = callers["coordinator"]
    body = poisoned(DONATION_BODY, "donor.address", "1 rue de la Paix " * 300)
    answer = page.post("/api/v1/donations", json=body, headers=headers)
    assert answer.status_code == 422
    assert "donor.address" in answer.json["error"]["fields"]


def test_a_page_refuses_a_control_character_in_words_not_in_field_keys(world):
    """The page says what is wrong with the value; ``address`` means nothing to its reader."""
    _names, callers = world
    page, _headers = callers["coordinator"]
    answer = page.post("/donations/new", data={**DONATION_FORM, "address": "a\x00b"})
    assert answer.status_code == 422
    assert "it contains a control character that cannot be stored" in answer.text
    assert "address:" not in answer.text


def test_a_receipt_prints_the_longest_address_accepted(world):
    _names, callers = world
    page, headers = callers["coordinator"]
    body = poisoned(DONATION_BODY, "donor.address", ("12 rue de la Paix\n" * 40)[:500])
    answer = page.post("/api/v1/donations", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    receipt = page.get(f"/donations/{answer.json['id']}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.data.startswith(b"%PDF")


def test_text_is_stored_in_nfc(world):
    _names, callers = world
    page, headers = callers["coordinator"]
    body = poisoned(DONATION_BODY, "donor.name", "Cafe\u0301 Solidaire")  # "é" as e + accent
    answer = page.post("/api/v1/donations", json=body, headers=headers)
    assert answer.status_code == 201
    from reuse_tracker.intake.models import Donor

    assert db.session.scalar(sa.select(Donor.name).where(Donor.name.like("Caf%"))) == (
        "Caf\u00e9 Solidaire"
    )


def test_arabic_indic_and_superscript_digits_are_not_numbers():
    from reuse_tracker import inputs

    for value in ["²", "8¹", "٣", "1e20", "-1", "3.0", "", " ", "０"]:
        with pytest.raises(ValueError):
            inputs.integer(value)
    assert inputs.integer(" 42 ") == 42
    with pytest.raises(ValueError):
        inputs.integer(str(2**31))
    assert inputs.page("1e20") == 1
    assert inputs.page(str(2**63)) == inputs.MAX_PAGE
    assert inputs.record_id("٣") is None
