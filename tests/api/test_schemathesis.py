"""Schemathesis against /api/v1/openapi.json, with an admin's and a viewer's token.

Every operation of the description is called with examples generated from its schema (a
few each, for CI's time), in process through the WSGI application: no answer is a server
error, and every answer's status code and body are the ones the description declares.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from reuse_tracker.auth.services import create_token
from reuse_tracker.extensions import db

#: How many cases each run generated and how many failed, for the closing figures.
CASES = {"cases": 0}


@pytest.fixture
def bearers(make_user) -> dict[str, dict[str, str]]:
    """An admin's and a viewer's Authorization header."""
    headers = {
        role: {"Authorization": f"Bearer {create_token(make_user(role))}"}
        for role in ("admin", "viewer")
    }
    db.session.commit()
    return headers


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_api_answers_as_it_describes_itself(app_ctx, bearers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app_ctx)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            for headers in bearers.values():
                CASES["cases"] += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    CASES["failures"] = len(failures)
    print(f"schemathesis: {len(operations)} operations, {CASES}")
    assert failures == []
