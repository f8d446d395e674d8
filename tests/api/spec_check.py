"""Check real answers (and request bodies) against the schemas the OpenAPI description declares."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.api.conftest import API


def fetch_spec(client) -> dict[str, Any]:
    """Return the description as the API serves it."""
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json


def _validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """Build a validator of ``schema`` whose ``#/components/`` references resolve in ``spec``."""
    document = {**schema, "components": spec["components"]}
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _problems(validator: Draft202012Validator, value: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(value)
    ]


def response_schema(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """Return the JSON schema the description declares for one answer of one operation."""
    responses = spec["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not declare {status}"
    answer = responses[str(status)]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return answer["content"]["application/json"]["schema"]


def assert_answer_matches(spec: dict[str, Any], path: str, method: str, response) -> None:
    """Assert that a real answer is declared for its status and fits the declared schema."""
    schema = response_schema(spec, path, method, response.status_code)
    assert response.mimetype == "application/json"
    problems = _problems(_validator(spec, schema), response.json)
    assert problems == [], (method, path, response.status_code, problems)


def body_problems(spec: dict[str, Any], path: str, method: str, body: Any) -> list[str]:
    """List where a JSON request body departs from the body schema the description declares."""
    request_body = spec["paths"][path][method.lower()]["requestBody"]
    schema = request_body["content"]["application/json"]["schema"]
    return _problems(_validator(spec, schema), body)
