"""Hostile input: every route that reads a number or a text, fed what breaks naive parsers.

Each case walks its hostile values as every role (pages signed in, the API with a bearer
token) and checks that no answer is a server error and that nothing was stored: the value
is refused (naming the field) or, in a list's filter, ignored. Each case's base request is
valid (``test_base_requests_are_accepted``), so a value silently ignored shows as a change.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.models import Role
from reuse_tracker.auth.services import create_token
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from tests.conftest import PASSWORD

#: Numbers that ``str.isdigit``, ``int`` or ``Decimal`` take wrongly, or no column holds.
NUMBERS = ["²", "8¹", "٣", "1e20", "-1", str(2**31), str(2**63), "9" * 20, " ", "3.0"]
#: The same as JSON numbers.
JSON_NUMBERS = [2**31, 2**63, -1, 1e20, True]
#: Texts no field may store: NUL, other control characters, a megabyte.
TEXTS = ["a\x00b", "a\x1b[2Jb", "x" * 1_000_000]
#: SIRETs of digits that are not ASCII digits (73282932000074 is a valid SIRET).
SIRETS = ["⁷³²⁸²⁹³²⁰⁰⁰⁰⁷⁴", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "７３２８２９３２０００００７４"]
ROLES = [role.value for role in Role]
#: Tables that a refused request may still write: who signed in, when a token was used.
NOT_DATA = {"audit_log", "users", "api_tokens"}

#: Pages and API reads that take a number or a text in the path or the query string.
GETS = [
    "/devices?page={v}",
    "/devices?per_page={v}",
    "/devices?donation={v}",
    "/devices?q={v}",
    "/donations?page={v}",
    "/donations?per_page={v}",
    "/donations/{v}",
    "/donations/{v}/receipt.pdf",
    "/donations/{v}/labels.pdf",
    "/donations/{v}/erasure-certificate.pdf",
    "/donations/{donation}/labels.pdf?start={v}",
    "/devices/{tag}/label.pdf?start={v}",
    "/devices/{v}",
    "/d/{v}",
    "/families?school={v}",
    "/families?wave={v}",
    "/families?page={v}",
    "/families/{v}",
    "/loans/overdue?school={v}",
    "/loans/overdue?association={v}",
    "/loans/overdue?page={v}",
    "/labels/preprinted?printed={v}&start={v}",
    "/labels/preprinted/{v}.pdf",
    "/waves/{v}",
    "/waves/{v}/edit",
    "/handover/{v}/{school}",
    "/loans/{v}/charter.pdf",
    "/workshop/weee.csv?from={v}&to={v}",
    "/workshop/go?code={v}",
    "/scan/lookup?code={v}",
    "/api/v1/donations/{v}",
    "/api/v1/devices/{v}",
    "/api/v1/waves/{v}/readiness",
]

DONATION_FORM = {
    "donor_name": "Hostile SA",
    "donor_kind": "company",
    "received_on": "2025-03-14",
    "devices-0-type": "laptop",
    "devices-0-brand": "Dell",
    "devices-0-model": "Latitude 5490",
    "devices-0-serial": "HOSTILE-0001",
}
#: Page forms: (name, address, valid base form, {field: hostile values}).
FORMS = [
    (
        "new donation",
        "/donations/new",
        DONATION_FORM,
        {
            "donor_name": TEXTS,
            "siret": SIRETS + NUMBERS[:8],
            "address": TEXTS,
            "notes": TEXTS,
            "contact_name": TEXTS,
            "contact_phone": TEXTS,
            "received_on": NUMBERS,
            "devices-0-serial": TEXTS,
            "devices-0-brand": TEXTS,
            "devices-0-ram_gb": NUMBERS[:8],
            "devices-0-year": NUMBERS[:8],
        },
    ),
    (
        "new wave",
        "/waves",
        {"name": "Vague hostile", "starts_on": "2031-09-01", "target_laptop": "5"},
        {"target_laptop": NUMBERS[:8], "name": TEXTS, "schools": NUMBERS[:8]},
    ),
    (
        "wave edit",
        "/waves/{wave}/edit",
        {
            "name": "Vague renommée",
            "starts_on": "2031-09-01",
            "target_laptop": "7",
            "version": "{wave_version}",
        },
        {"version": [*NUMBERS, None], "target_laptop": NUMBERS[:8], "name": TEXTS},
    ),
    (
        "device action",
        "/devices/{tag}/actions/record_diagnostics",
        {"result": "passed", "version": "{version}"},
        {"version": [*NUMBERS, None], "battery_health_pct": NUMBERS[:8], "notes": TEXTS},
    ),
    (
        "new family",
        "/families/new",
        {
            "referral_source": "school",
            "school": "{school}",
            "child_class": "CM1",
            "device_type": "laptop",
            "wave": "{wave}",
            "association": "{association}",
            "referred_on": "2026-11-02",
            "parent_name": "Famille Hostile",
            "consent": "y",
        },
        {
            "school": NUMBERS[:8],
            "wave": NUMBERS[:8],
            "association": NUMBERS[:8],
            "parent_name": TEXTS,
            "address": TEXTS,
        },
    ),
    (
        "new school",
        "/schools",
        {"name": "École hostile", "uai": "0449955G", "network": "REP"},
        {"name": TEXTS, "uai": TEXTS, "neighbourhood": TEXTS},
    ),
    (
        "new association",
        "/associations",
        {"name": "Association hostile"},
        {"name": TEXTS, "contact_email": TEXTS},
    ),
    (
        "preprinted labels",
        "/labels/preprinted",
        {"count": "3", "layout": "avery-l7160", "start": "1"},
        {"count": NUMBERS[:8], "start": NUMBERS[:8], "note": TEXTS},
    ),
    (
        "parts count",
        "/workshop/parts/count",
        {"kind": "ram", "spec": "DDR4 8 GB", "quantity": "2"},
        {"quantity": NUMBERS[:8], "spec": TEXTS, "notes": TEXTS},
    ),
]

DONATION_BODY = {
    "donor": {"name": "Hostile API SA"},
    "received_on": "2025-03-14",
    "devices": [{"type": "laptop", "brand": "Dell", "model": "E7470", "serial": "API-H-1"}],
}
#: API calls: (name, path, valid base body, {dotted field: hostile values}).
API_CALLS = [
    (
        "donation",
        "/donations",
        DONATION_BODY,
        {
            "donor.name": TEXTS,
            "donor.siret": SIRETS + NUMBERS[:8] + JSON_NUMBERS,
            "donor.address": TEXTS,
            "donor.contact_name": TEXTS,
            "notes": TEXTS,
            "devices.0.serial": TEXTS,
            "devices.0.ram_gb": NUMBERS[:8] + JSON_NUMBERS,
            "received_on": NUMBERS + JSON_NUMBERS,
        },
    ),
    (
        "wave",
        "/waves",
        {"name": "Vague API", "starts_on": "2031-09-01", "targets": {"laptop": 5}},
        {"targets.laptop": NUMBERS[:8] + JSON_NUMBERS, "name": TEXTS, "schools": [["²"], [2**63]]},
    ),
    (
        "family",
        "/families",
        {
            "wave": "{wave}",
            "school": "{school_uai}",
            "child_class": "CM1",
            "association": "{association}",
        },
        {"wave": NUMBERS[:8] + JSON_NUMBERS, "school": NUMBERS[:8] + TEXTS, "reference": TEXTS},
    ),
    (
        "action",
        "/devices/{tag}/actions/record_diagnostics",
        {"result": "passed", "expected_version": "{version}"},
        {
            "expected_version": NUMBERS + JSON_NUMBERS,
            "battery_health_pct": NUMBERS[:8] + JSON_NUMBERS,
            "notes": TEXTS,
        },
    ),
]

#: How many hostile requests each kind of case sends, for the closing figures.
TRIED: dict[str, int] = {}


@pytest.fixture
def world(app_ctx, make_donation, make_user, client, monkeypatch):
    """Records for the routes to name, and one signed-in client and token per role."""
    from reuse_tracker.auth import models
    from reuse_tracker.loans import families, programme
    from tests.loans.conftest import uai

    # Five users per test: a cheap hash keeps the setup short (the method is stored per hash).
    cheap = functools.partial(models.generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(models, "generate_password_hash", cheap)

    donation = make_donation(2)
    device = db.session.scalar(sa.select(Device).where(Device.donation_id == donation.id))
    services.perform(device, "start_reconditioning", {}, actor=None)
    school = programme.create_school({"name": "École H", "uai": uai(1), "network": "REP+"})
    association = programme.create_association({"name": "Asso H"})
    wave = programme.create_wave(
        {"name": "Vague H", "starts_on": date(2031, 9, 1), "targets": {"laptop": 3}}
    )
    referral = {"school": school.id, "child_class": "CM1", "association": association.id}
    families.create_family({"wave": wave.id, "device_type": "laptop", **referral}, None)
    db.session.commit()
    callers = {}
    for role in ROLES:
        user = make_user(role)
        page = app_ctx.test_client()
        response = page.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        token = create_token(user)
        db.session.commit()
        callers[role] = (page, {"Authorization": f"Bearer {token}"})
    names = {
        "donation": donation.id,
        "tag": device.asset_tag,
        "version": device.version,
        "device_id": device.id,
        "wave": wave.id,
        "school": school.id,
        "school_uai": school.uai,
        "wave_version": wave.version,
        "association": association.id,
    }
    return names, callers


def snapshot() -> str:
    """A digest of every stored row but sign-in bookkeeping."""
    digest = hashlib.sha256()
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        if table.name in NOT_DATA:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
    db.session.rollback()
    return digest.hexdigest()


def fill(template: Any, names: dict[str, Any]) -> Any:
    """Put the world's ids into a base request (``"{wave}"`` becomes the wave's id)."""
    if isinstance(template, str):
        for key, value in names.items():
            if template == f"{{{key}}}":
                return value
        return template.format(**names)
    if isinstance(template, dict):
        return {key: fill(value, names) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, names) for value in template]
    return template


def poisoned(base: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """Return a copy of ``base`` with the field at ``dotted`` set to ``value``."""
    body = copy.deepcopy(base)
    *parents, last = dotted.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[int(last) if isinstance(node, list) else last] = value
    return body


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def _form_requests(names) -> Iterator[tuple[str, str, str, list[dict[str, Any]]]]:
    """Yield each form field with the forms that carry its hostile values."""
    for case, address, base, hostile in FORMS:
        for field, values in hostile.items():
            forms = [_without_none(poisoned(fill(base, names), field, value)) for value in values]
            yield case, field, fill(address, names), forms


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 40 else f"{text[:20]}… ({len(text)} chars)"


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
    data = {**DONATION_FORM, "address": "a\x00b"}
    answer = page.post("/donations/new", data=data)
    assert answer.status_code == 422
    assert "address" in answer.text


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
