"""The workshop's JSON routes, on the API blueprint: an nwipe log read into erasure records."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from reuse_tracker import inputs
from reuse_tracker.api import openapi, parsing, serializers
from reuse_tracker.api.schemas import ref
from reuse_tracker.api.views import device_by_tag
from reuse_tracker.auth.access import WORKSHOP, current_actor, roles_required
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.features import add_operation, add_schemas
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop import api_bp as bp
from reuse_tracker.workshop import erasure_import

#: The form field that carries the log in a multipart/form-data upload.
FILE_FIELD = "file"


@bp.post("/devices/<asset_tag>/erasure-log")
@roles_required(*WORKSHOP)
def erasure_log(asset_tag: str) -> tuple[Response, int]:
    """Record every disk of an nwipe log on a device, all or none; answer the new records."""
    device = device_by_tag(asset_tag)
    data, filename = _uploaded_log()
    filed = erasure_import.import_log(
        device,
        data,
        actor=current_actor(),
        filename=filename,
        expected_version=_expected_version(),
    )
    db.session.commit()
    answer = {
        "device": serializers.device(device, current_actor()),
        "erasures": [serializers.event(event) for event in filed.events],
        "warnings": filed.warnings,
    }
    return jsonify(answer), 201


def _uploaded_log() -> tuple[bytes, str]:
    """Return the log's bytes and its file name: the raw text/plain body or the field ``file``."""
    if request.mimetype == "text/plain":
        return request.get_data(cache=False), request.args.get("filename", "")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get(FILE_FIELD)
        if upload is None:
            raise ValidationError(
                _l("Send the nwipe log in the form field “file”."),
                {FILE_FIELD: _l("is required")},
            )
        return upload.read(), upload.filename or ""
    raise parsing.UnsupportedMediaType(
        _l(
            "Send the nwipe log as the body with the header Content-Type: text/plain, "
            "or as the field “file” of a multipart/form-data upload."
        )
    )


def _expected_version() -> int | None:
    """Read the optional ``expected_version`` (query string, or a field of the form)."""
    raw = request.values.get("expected_version", "").strip()
    if not raw:
        return None
    return inputs.field_integer(raw, "expected_version")


def _describe_erasure_log() -> dict[str, Any]:
    """The body, query parameters and answers of POST /devices/<asset_tag>/erasure-log."""
    version = {
        "type": "integer",
        "description": "The device version the caller saw; 409 if stale.",
    }
    return {
        "description": "The log nwipe (or ShredOS) writes, read as the device page reads it: one "
        "`record_erasure` per disk of its “Drive Status” table, all in one transaction. "
        "Allowed to the roles that may perform `record_erasure`. Reads every nwipe release "
        "from 0.17 to 0.42. The records are made even when the same file, or one of its "
        "disks, is already in another device's records: `warnings` then names that device.",
        "parameters": [
            {"name": "expected_version", "in": "query", "required": False, "schema": version},
            {
                "name": "filename",
                "in": "query",
                "required": False,
                "description": "The log's file name, quoted in each record's notes "
                "(a multipart upload gives its own).",
                "schema": {"type": "string", "maxLength": erasure_import.MAX_FILENAME},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "text/plain": {"schema": {"type": "string", "minLength": 1}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [FILE_FIELD],
                        "properties": {
                            FILE_FIELD: {"type": "string", "contentMediaType": "text/plain"},
                            "expected_version": version,
                        },
                    }
                },
            },
        },
        "responses": {
            "201": openapi.json_response(
                "The device as it is now, and the erasure records the log added.",
                ref("ErasureLogResult"),
            ),
            "415": openapi.json_response(
                "The body is neither text/plain nor multipart/form-data.", ref("Error")
            ),
            "422": openapi.json_response(
                "The log was refused (`fields.log` says why), the field `file` is missing, "
                "or a record is invalid; nothing was recorded.",
                ref("Error"),
            ),
            **openapi.error_responses(404, 409, 413),
        },
    }


def _schemas() -> dict[str, dict[str, Any]]:
    return {
        "ErasureLogResult": {
            "type": "object",
            "required": ["device", "erasures", "warnings"],
            "properties": {
                "device": ref("Device"),
                "erasures": {
                    "type": "array",
                    "description": "The `record_erasure` events, one per disk, in log order.",
                    "items": ref("Event"),
                    "minItems": 1,
                },
                "warnings": {
                    "type": "array",
                    "description": "What to check: `same_log` (the same file, by its SHA-256, "
                    "was filed on `device`) or `same_disk` (the disk `serial` is in the "
                    "erasure records of `device`).",
                    "items": ref("ErasureLogWarning"),
                },
            },
        },
        "ErasureLogWarning": {
            "type": "object",
            "required": ["code", "device", "message"],
            "properties": {
                "code": {"type": "string", "enum": ["same_log", "same_disk"]},
                "device": {"type": "string", "description": "The other device's asset tag."},
                "serial": {"type": "string", "description": "The disk (`same_disk` only)."},
                "message": {"type": "string", "description": "In the caller's language."},
            },
        },
    }


def _describe_hardware() -> dict[str, Any]:
    upload = {
        "type": "object",
        "properties": {
            FILE_FIELD: {"type": "array", "items": {"type": "string", "format": "binary"}}
        },
    }
    return {
        "description": "Upload the machine's own reports (`lshw -json`, `smartctl --json -a` of "
        "each disk, `upower -i` or `/sys/class/power_supply`): the specs the donor did not give "
        "are filled through one `correct_details` event, a serial that differs from the one at "
        "intake is flagged (never written), the disks are listed by serial.",
        "requestBody": {
            "required": False,
            "content": {
                "multipart/form-data": {"schema": upload},
                "application/json": {"schema": {}},
                "text/plain": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "200": openapi.json_response(
                "The device and what its reports told.",
                {"type": "object", "required": ["device"], "properties": {"device": ref("Device")}},
            ),
            **openapi.error_responses(400, 404, 409, 413, 415, 422),
        },
    }


def register_openapi(app) -> None:
    """Describe the workshop's API routes and schemas in the OpenAPI document."""
    add_operation(app, "api.workshop.erasure_log", _describe_erasure_log)
    add_operation(app, "api.workshop.hardware_report", _describe_hardware)
    add_schemas(app, "workshop", _schemas)


@bp.post("/devices/<asset_tag>/hardware")
@roles_required(*WORKSHOP)
def hardware_report(asset_tag: str) -> Response:
    """Read the machine's hardware reports (multipart ``file``, several allowed, or one raw
    body): fill the specs it lacks, flag a serial mismatch, list its disks and their health."""
    from reuse_tracker.workshop import hardware_service

    device = device_by_tag(asset_tag)
    if request.mimetype == "multipart/form-data":
        files = [upload.read() for upload in request.files.getlist(FILE_FIELD)]
    else:
        files = [request.get_data(cache=False)] if request.content_length else []
    result = hardware_service.apply(device, hardware_service.read(files), actor=current_actor())
    db.session.commit()
    return jsonify({"device": serializers.device(device, current_actor()), **result})
