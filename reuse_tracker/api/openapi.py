"""The OpenAPI 3.1 description of the API, built from the routes and schemas in the code.

Every route of the ``api`` blueprint and of the blueprints nested under it is listed (its
summary is the view's docstring, its roles those ``roles_required`` was given);
``_operations`` (and features, through ``features.add_operation``) add bodies and answers,
and features name their own schemas through ``features.add_schemas`` in their ``init_app``,
so this module never imports them. Built per request: titles follow the caller's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app
from werkzeug.routing import IntegerConverter, Rule

from reuse_tracker.api import schemas
from reuse_tracker.auth.models import Role
from reuse_tracker.devices.actions import available_actions, roles_for
from reuse_tracker.features import registry

ERRORS = {
    "400": "The body is not valid JSON, or not a JSON object.",
    "401": "No valid bearer token (missing, unknown or revoked).",
    "403": "The caller's role does not allow this.",
    "404": "No such record, or no such action.",
    "409": "Not allowed in the device's current state, or the device changed meanwhile.",
    "413": "The body is too large.",
    "415": "The body is not sent as application/json.",
    "422": "Some fields are missing or invalid; `fields` names each (`devices[3].serial`).",
}


def json_response(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Describe an answer whose body is JSON of ``schema``."""
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def error_responses(*statuses: int) -> dict[str, Any]:
    """Point to the shared error answers of these statuses."""
    return {str(status): {"$ref": f"#/components/responses/{status}"} for status in statuses}


def _perform(actions: list[str]) -> dict[str, Any]:
    body = {"anyOf": [schemas.ref(schemas.action_schema_name(action)) for action in actions]}
    return {
        "description": "The body holds the fields of the action named in the path: see the "
        "component `<Action>Fields` of each (`x-action-schemas`).",
        "requestBody": {"required": False, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": json_response("The device after the action.", schemas.ref("Device")),
            **error_responses(400, 404, 409, 413, 415, 422),
        },
        "x-action-schemas": {
            action: f"#/components/schemas/{schemas.action_schema_name(action)}"
            for action in actions
        },
        "x-action-roles": {action: _roles(roles_for(action)) for action in actions},
    }


def _operations(actions: list[str]) -> dict[str, dict[str, Any]]:
    """Return what the routes alone do not say, by endpoint."""
    return {
        "api.openapi": {
            "responses": {"200": json_response("This description.", {"type": "object"})}
        },
        "api.create_donation": {
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schemas.ref("DonationInput")}},
            },
            "responses": {
                "201": json_response(
                    "The donation, with each device's asset tag.",
                    schemas.ref("Donation"),
                    headers={
                        "Location": {
                            "description": "The donation's address in this API.",
                            "schema": {"type": "string"},
                        }
                    },
                ),
                **error_responses(400, 413, 415, 422),
            },
        },
        "api.donation": {
            "responses": {
                "200": json_response("The donation.", schemas.ref("Donation")),
                **error_responses(404),
            }
        },
        "api.device": {
            "responses": {
                "200": json_response("The device.", schemas.ref("Device")),
                **error_responses(404),
            }
        },
        "api.perform": _perform(actions),
        "api.stock": {"responses": {"200": json_response("Device counts.", schemas.ref("Stock"))}},
    }


def _parameters(actions: list[str]) -> dict[str, dict[str, Any]]:
    return {
        "asset_tag": {"type": "string", "description": "As printed on the label (any case)."},
        "action": {"type": "string", "enum": actions},
    }


def _converter_schema(rule: Rule, argument: str) -> dict[str, str]:
    """Return the type a path argument's converter accepts: integer or string."""
    integer = isinstance(rule._converters.get(argument), IntegerConverter)
    return {"type": "integer" if integer else "string"}


def _roles(roles: tuple[str, ...] | list[str]) -> list[str]:
    return [Role.ADMIN.value, *(str(role) for role in roles if role != Role.ADMIN)]


def _operation(
    rule: Rule, view: Callable, extra: dict[str, Any], parameters: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Describe one route: its summary, path parameters, security, roles and answers."""
    name = rule.endpoint.rpartition(".")[2]
    operation: dict[str, Any] = {
        "operationId": name,
        "summary": (view.__doc__ or name).strip().splitlines()[0],
        "parameters": [
            {
                "name": arg,
                "in": "path",
                "required": True,
                "schema": parameters.get(arg) or _converter_schema(rule, arg),
            }
            for arg in re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule)
        ],
    }
    roles = getattr(view, "allowed_roles", None)
    if roles is None:
        operation["security"] = []
    else:
        operation["x-roles"] = _roles(roles)
    operation["parameters"] += extra.get("parameters", [])
    operation.update(
        {key: value for key, value in extra.items() if key not in {"responses", "parameters"}}
    )
    responses = dict(extra.get("responses") or {"200": {"description": "OK"}})
    if roles is not None:
        responses.update(error_responses(401, 403))
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _paths(actions: list[str]) -> dict[str, dict[str, Any]]:
    prefix = current_app.blueprints["api"].url_prefix or ""
    operations = {endpoint: describe() for endpoint, describe in registry().operations.items()}
    operations.update(_operations(actions))
    parameters = _parameters(actions)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        view = current_app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, view, operations.get(rule.endpoint, {}), parameters
            )
    return paths


def build_spec() -> dict[str, Any]:
    """Return the OpenAPI 3.1 description of this installation's API."""
    actions = available_actions()
    prefix = current_app.blueprints["api"].url_prefix or ""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reuse_tracker API",
            "version": "1",
            "description": "Donated computers of a reuse programme, from intake to loan. "
            "JSON in and out; messages follow Accept-Language (fr, en).",
        },
        "servers": [{"url": current_app.config["PUBLIC_BASE_URL"] + prefix}],
        "security": [{"bearer": []}],
        "paths": _paths(actions),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `flask tokens create`.",
                }
            },
            "responses": {
                status: json_response(text, schemas.ref("Error")) for status, text in ERRORS.items()
            },
            "schemas": _schemas(actions),
        },
    }


def _schemas(actions: list[str]) -> dict[str, Any]:
    """Return the core's named schemas and those the features add; a name is never reused."""
    named = schemas.components(actions)
    for feature, describe in registry().schemas.items():
        added = describe()
        if clash := named.keys() & added.keys():
            raise ValueError(f"{feature} reuses the schema names {sorted(clash)}")
        named.update(added)
    return named
