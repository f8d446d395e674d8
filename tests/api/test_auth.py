"""Bearer tokens are the only way in; every route checks the caller's role."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from reuse_tracker.api.auth import is_public
from reuse_tracker.auth.models import ApiToken, User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation
from tests.api.conftest import API, donation_body


def _assert_unauthorized(response, *, invalid_token: bool = False) -> None:
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["message"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert ('error="invalid_token"' in challenge) is invalid_token


def test_a_call_without_a_token_gets_401_and_a_bearer_challenge(client):
    _assert_unauthorized(client.get(f"{API}/stock"))


@pytest.mark.parametrize("header", ["Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "rt_abc"])
def test_an_authorization_header_that_is_not_a_bearer_token_gets_401(client, header):
    _assert_unauthorized(client.get(f"{API}/stock", headers={"Authorization": header}))


def test_an_unknown_token_gets_401(client):
    response = client.get(f"{API}/stock", headers={"Authorization": "Bearer rt_not-a-token"})
    _assert_unauthorized(response, invalid_token=True)


def test_a_revoked_token_gets_401(api):
    caller = api("coordinator")
    assert caller.get("/stock").status_code == 200
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == caller.user_id).values(revoked_at=utcnow())
    )
    db.session.commit()
    _assert_unauthorized(caller.get("/stock"), invalid_token=True)


def test_the_token_of_a_disabled_user_gets_401(api):
    caller = api("coordinator")
    db.session.execute(sa.update(User).where(User.id == caller.user_id).values(is_enabled=False))
    db.session.commit()
    _assert_unauthorized(caller.get("/stock"), invalid_token=True)


def test_a_signed_in_browser_session_does_not_authenticate_the_api(client, login):
    login("coordinator")
    assert client.get("/devices").status_code == 200  # the cookie works for pages...
    _assert_unauthorized(client.get(f"{API}/stock"))  # ...never for the API
    response = client.post(f"{API}/donations", json=donation_body())
    _assert_unauthorized(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) == 0


def _last_used(caller):
    return db.session.scalar(
        sa.select(ApiToken.last_used_at).where(ApiToken.user_id == caller.user_id)
    )


def test_last_use_is_recorded_at_most_once_a_minute(api):
    caller = api("viewer")
    assert _last_used(caller) is None
    caller.get("/stock")
    first = _last_used(caller)
    assert first is not None
    caller.get("/stock")
    assert _last_used(caller) == first  # no write for every request
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == caller.user_id)
        .values(last_used_at=first - timedelta(minutes=2))
    )
    db.session.commit()
    caller.get("/stock")
    assert _last_used(caller) > first - timedelta(seconds=1)


def test_the_openapi_description_is_public(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")


ROLES = ("admin", "coordinator", "workshop", "mediator", "viewer")
EDITORS = {"admin", "coordinator", "workshop"}

#: The core routes with real data: (method, path, body, status for editors, for the others).
ROUTES = {
    "api.stock": ("GET", "/stock", None, 200, 200),
    "api.device": ("GET", "/devices/{tag}", None, 200, 200),
    "api.donation": ("GET", "/donations/{donation}", None, 200, 200),
    "api.create_donation": ("POST", "/donations", donation_body(), 201, 403),
    "api.perform": ("POST", "/devices/{tag}/actions/start_reconditioning", {}, 200, 403),
    "api.openapi": ("GET", "/openapi.json", None, 200, 200),
}


def _sample(converter) -> object:
    """A value the converter takes: a number, one of its words (open data names), a tag."""
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "RT-000001"


def _api_routes(app):
    """Yield (rule, URL, method) for every route of the API, features' routes included."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        values = {name: _sample(converter) for name, converter in rule._converters.items()}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, url, method


@pytest.mark.parametrize("role", ROLES)
def test_every_route_of_the_api_checks_the_role_it_declares(app, api, role):
    caller = api(role)
    walked = set()
    for rule, url, method in _api_routes(app):
        walked.add(rule.endpoint)
        response = caller.client.open(
            url, method=method, json={} if method == "POST" else None, headers=caller.headers()
        )
        assert response.status_code < 500, (rule, method)
        expected = "text/csv" if rule.rule.endswith(".csv") else "application/json"
        assert response.mimetype == expected, (rule, method)
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed is None:
            assert is_public(rule.endpoint), rule
        elif role == "admin" or role in allowed:
            assert response.status_code not in (401, 403), (rule, method, response.json)
        else:
            assert response.status_code == 403, (rule, method, response.json)
    assert set(ROUTES) <= walked


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_every_route_answers_each_role_as_its_rights_say(api, make_device, role, endpoint):
    method, path, body, editor_status, other_status = ROUTES[endpoint]
    device = make_device("received")
    path = path.format(tag=device.asset_tag, donation=device.donation_id)
    caller = api(role)
    response = caller.get(path) if method == "GET" else caller.post(path, json=body)
    expected = editor_status if role in EDITORS else other_status
    assert response.status_code == expected, response.json
    if expected == 403:
        assert response.json["error"]["code"] == "forbidden"
        devices = db.session.scalars(sa.select(Device)).all()
        assert [(d.status, d.version) for d in devices] == [("received", 1)]
