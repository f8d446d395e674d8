"""Fixtures for the JSON API: callers holding a bearer token, and request bodies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from reuse_tracker.auth.services import create_token
from reuse_tracker.extensions import db

API = "/api/v1"
VALID_SIRET = "73282932000074"
RECEIVED_ON = "2025-03-14"


@dataclass
class ApiCaller:
    """A test client that calls the API with one user's bearer token."""

    client: FlaskClient
    token: str
    user_id: int
    role: str

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.client.get(API + path, headers=self.headers(headers))

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None, **kwargs):
        return self.client.post(API + path, json=json, headers=self.headers(headers), **kwargs)

    def act(self, tag: str, action: str, json: Any = None, **kwargs):
        return self.post(f"/devices/{tag}/actions/{action}", json=json, **kwargs)


@pytest.fixture
def api(client, make_user):
    """Return a caller with a new user of ``role`` and a live token: ``api("viewer")``."""

    def as_role(role: str = "workshop") -> ApiCaller:
        user = make_user(role)
        token = create_token(user)
        db.session.commit()
        return ApiCaller(client, token, user.id, role)

    return as_role


def device_row(index: int, **fields: Any) -> dict[str, Any]:
    return {
        "type": "laptop",
        "brand": "Dell",
        "model": "Latitude 5490",
        "serial": f"SN-{index:05d}",
        **fields,
    }


def donation_body(count: int = 3, **overrides: Any) -> dict[str, Any]:
    """Return a valid donation body of ``count`` laptops."""
    return {
        "donor": {
            "name": "Société Exemple",
            "siret": VALID_SIRET,
            "contact_email": "dons@exemple.fr",
        },
        "received_on": RECEIVED_ON,
        "devices": [device_row(index) for index in range(count)],
        **overrides,
    }
