"""Shared by the hostile-input and fuzz tests: a world of records, callers of every role,
the digest that tells whether anything was stored, and request templates filled with ids."""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.models import Role
from reuse_tracker.auth.services import create_token
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db

ROLES = [role.value for role in Role]
#: Tables that a refused request may still write: who signed in, when a token was used.
NOT_DATA = {"audit_log", "users", "api_tokens"}


#: Numbers that ``str.isdigit``, ``int`` or ``Decimal`` take wrongly, or no column holds.
NUMBERS = ["²", "8¹", "٣", "1e20", "-1", str(2**31), str(2**63), "9" * 20, " ", "3.0"]
#: The same as JSON numbers.
JSON_NUMBERS = [2**31, 2**63, -1, 1e20, True]
#: Texts no field may store: NUL, other control characters, a megabyte.
TEXTS = ["a\x00b", "a\x1b[2Jb", "x" * 1_000_000]
#: SIRETs of digits that are not ASCII digits (73282932000074 is a valid SIRET).
SIRETS = ["⁷³²⁸²⁹³²⁰⁰⁰⁰⁷⁴", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "７３２８２９３２０００００７４"]

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

#: An asset manager's export whose category the import must be told (a mapping step).
IMPORT_FILE = (
    b"Asset Tag,Serial,Model,Category,Manufacturer\r\nA-1,HOSTILE-IMP-1,T480,Licornes,HP\r\n"
)
#: Forms of a step that stores nothing yet (the next step does): (name, address, valid base
#: form, {field: hostile values}), refused or shown again, never a server error.
STEP_FORMS = [
    (
        "import mapping",
        "/donations/import/mapping",
        {
            "upload": "{upload}",
            "column-type": "Category",
            "column-brand": "Manufacturer",
            "column-model": "Model",
            "column-serial": "Serial",
            "value-count": "1",
            "value-0": "Licornes",
            "type-0": "laptop",
        },
        # "x" was a 500 (int() of the hidden count), 10**18 a loop without end.
        {"value-count": [*NUMBERS[:8], "x", str(10**18)], "type-0": TEXTS[:2]},
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


@pytest.fixture
def world(app_ctx, make_donation, make_user, client, monkeypatch):
    """Records for the routes to name, and one signed-in client and token per role."""
    from reuse_tracker.auth import models
    from reuse_tracker.loans import families, programme
    from tests.conftest import PASSWORD
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
    upload = {"donor_name": "Hostile SA", "received_on": "2025-03-14"}
    upload["file"] = (io.BytesIO(IMPORT_FILE), "export.csv")
    step = callers["coordinator"][0].post("/donations/import", data=upload).text
    names = {
        "upload": re.search(r'name="upload" value="([^"]+)"', step).group(1),
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


#: An SQL statement that writes rows, and its table.
_WRITE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)


class StoredRows:
    """Counts the rows of data tables that committed transactions wrote, request by request.

    The cheap twin of ``snapshot()`` for a loop of many requests: it listens to the engine,
    so it sees every write the application makes through it, and nothing rolled back.
    """

    def __init__(self) -> None:
        self.count = 0
        self.tables: set[str] = set()
        self._pending: dict[int, set[str]] = {}

    def _executed(self, conn, cursor, statement, parameters, context, executemany) -> None:
        match = _WRITE.match(statement)
        if match and match.group(1) not in NOT_DATA and cursor.rowcount != 0:
            self._pending.setdefault(id(conn), set()).add(match.group(1))

    def _committed(self, conn) -> None:
        tables = self._pending.pop(id(conn), set())
        self.count += bool(tables)
        self.tables |= tables

    def _rolled_back(self, conn) -> None:
        self._pending.pop(id(conn), None)


@contextmanager
def stored_rows() -> Iterator[StoredRows]:
    """Watch the writes of the requests made inside the block (see ``StoredRows``)."""
    watch = StoredRows()
    listeners = [
        ("after_cursor_execute", watch._executed),
        ("commit", watch._committed),
        ("rollback", watch._rolled_back),
    ]
    for name, listener in listeners:
        sa.event.listen(db.engine, name, listener)
    try:
        yield watch
    finally:
        for name, listener in listeners:
            sa.event.remove(db.engine, name, listener)


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


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 40 else f"{text[:20]}… ({len(text)} chars)"
