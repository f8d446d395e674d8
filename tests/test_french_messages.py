"""Every refusal of every action, form and API answer, read in French: no raw code, no English.

The test provokes each action's errors field by field (a wrong choice, a word for a number, an
impossible date, a missing required field) on the API, on the scan station and on the device
page, in French, and looks for what a French reader should never meet: snake_case identifiers
("mark_ready", "storage_serial") and English words.
"""

import re

import pytest

from reuse_tracker.auth.services import create_token
from reuse_tracker.devices import actions
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.extensions import db
from tests.loans.conftest import device_in, make_family, make_wave, ready_device  # noqa: F401

IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
#: English words that have no business in a French message.
ENGLISH = re.compile(
    r"\b(must|required|invalid|should|undefined|error|field|is not|not allowed|number|"
    r"between|least|most|one of|the|of|and|unknown|missing|characters?)\b",
    re.IGNORECASE,
)


def _bad_value(field: action_fields.Field):
    return {
        "choice": "zzz",
        "int": "beaucoup",
        "decimal": "lourd",
        "date": "31/31/2026",
        "datetime": "demain matin",
        "checks": "x",
        "longtext": "x" * (field.max_length + 1),
    }.get(field.kind, "x" * (field.max_length + 1))


def _bad_bodies(action: str):
    fields = action_fields.fields_for(action)
    if not fields:
        return
    if any(field.required for field in fields):
        yield {}  # every required field missing
    for field in fields:
        yield {field.name: _bad_value(field)}


def _problems(text: str) -> list[str]:
    found = IDENTIFIER.findall(text) + ENGLISH.findall(text)
    return [word for word in found if word]


@pytest.fixture
def french_token(french, make_user):
    user = make_user("coordinator")
    token = create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}


def test_every_action_refusal_reads_in_french_on_the_api(client, french_token, make_device):
    device = make_device("in_workshop")
    seen = []
    for action in actions.available_actions():
        for body in _bad_bodies(action):
            response = client.post(
                f"/api/v1/devices/{device.asset_tag}/actions/{action}",
                json=body,
                headers=french_token,
            )
            assert response.status_code < 500, (action, body)
            assert response.status_code >= 400, (action, body, "a bad value was accepted")
            error = response.json["error"]
            texts = [error["message"], *error.get("fields", {}).values()]
            for text in texts:
                seen.append(text)
                assert not _problems(text), (action, body, text, _problems(text))
    assert seen  # the walk reached some refusals


def test_every_action_refusal_reads_in_french_in_the_station_and_page(
    client, french, login, make_device
):
    login("coordinator")
    device = make_device("in_workshop")
    for action in actions.available_actions():
        for body in _bad_bodies(action):
            response = client.post(
                "/scan/apply", json={"code": device.asset_tag, "action": action, "fields": body}
            )
            message = response.json.get("error", "")
            assert not _problems(message), (action, body, message, _problems(message))


def test_api_errors_read_in_french(client, french_token, make_device):
    device = make_device("received")
    answers = [
        client.get("/api/v1/devices/RT-999999", headers=french_token),
        client.post(
            f"/api/v1/devices/{device.asset_tag}/actions/mark_ready", json={}, headers=french_token
        ),
        client.post(
            f"/api/v1/devices/{device.asset_tag}/actions/grade",
            json={"grade": "A"},
            headers=french_token,
        ),
        client.get("/api/v1/devices/RT-000001", headers={"Accept-Language": "fr"}),
    ]
    for response in answers:
        message = response.json["error"]["message"]
        assert not _problems(message), (response.request.path, message)


def test_a_refusal_already_stating_its_reason_says_it_once(app_ctx):
    from reuse_tracker.errors import ValidationError

    error = ValidationError(
        "The nwipe log was refused: no disk in it.", {"log": "no disk in it"}, {"log": "log"}
    )
    assert error.full_message.count("no disk in it") == 1


def test_a_forced_language_holds_inside_the_block_only(app, french):
    """The catalogue is found once per request; ``force_locale`` (a donor's documents in the
    donor's language) still switches it inside its block, in code and in templates alike."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    page = "{{ _('Cancel') }}"
    with app.test_request_context("/"):
        assert (gettext("Cancel"), render_template_string(page)) == ("Annuler", "Annuler")
        with force_locale("en"):
            assert (gettext("Cancel"), render_template_string(page)) == ("Cancel", "Cancel")
        assert (gettext("Cancel"), render_template_string(page)) == ("Annuler", "Annuler")


def test_refusals_of_guards_and_handlers_name_no_field_by_its_code(
    client,
    french,
    login,
    make_device,
    device_in,  # noqa: F811
):
    """Past the fields' own checks: what the readiness guard and the loan handlers refuse."""
    login("coordinator")
    reserved, family, wave = device_in("reserved")
    refused = [
        (make_device("in_workshop"), "mark_ready", {}),
        (make_device("ready"), "reserve", {"family": "FAM-0000-INCONNUE", "wave": wave.id}),
        (make_device("ready"), "reserve", {"family": family.reference, "wave": 99999}),
        (reserved, "hand_over", {"charter_signed_on": "2999-01-01"}),
        (reserved, "hand_over", {"charter_signed_on": "2021-03-01", "due_on": "2021-02-01"}),
        (reserved, "hand_over", {"charter_signed_on": "2021-03-01", "charter_way": "paper"}),
        (reserved, "hand_over", {"charter_signed_on": "2021-03-01", "association": "Inconnue"}),
        (reserved, "hand_over", {"charter_way": "screen"}),
    ]
    for device, action, body in refused:
        response = client.post(
            "/scan/apply", json={"code": device.asset_tag, "action": action, "fields": body}
        )
        message = response.json.get("error", "")
        codes = [name for name in body if f"{name} :" in message]
        assert message and not _problems(message) and not codes, (action, body, message)


def test_counted_sentences_write_their_number_in_french(app, french):
    """A count reads "10 000 équipements", as the ``number`` filter writes it, not "10000"."""
    from flask import render_template_string

    page = '{{ ngettext("%(num)s device", "%(num)s devices", n) }} · {{ n | number }}'
    with app.test_request_context("/"):
        assert render_template_string(page, n=10000) == "10\u202f000 équipements · 10\u202f000"
        assert render_template_string(page, n=1) == "1 équipement · 1"
