"""The JSON API: parse the body, call the service, commit, answer the result."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from reuse_tracker import database
from reuse_tracker.api import bp, parsing, serializers
from reuse_tracker.api.openapi import build_spec
from reuse_tracker.auth.access import EDIT_INTAKE, READ, current_actor, roles_required
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.stock import counts_by_status_and_type
from reuse_tracker.errors import NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake import services as intake
from reuse_tracker.intake.models import Donation
from reuse_tracker.sizes import MAX_ID


@bp.get("/openapi.json")
def openapi() -> Response:
    """Describe this API (OpenAPI 3.1); public."""
    return jsonify(build_spec())


@bp.post("/donations")
@roles_required(*EDIT_INTAKE)
def create_donation() -> tuple[Response, int, dict[str, str]]:
    """Register a donation and all its devices, or nothing; answer their asset tags."""
    body = parsing.donation_input(parsing.json_object())
    try:
        donation = intake.register_donation(
            body.donor,
            body.received_on,
            body.devices,
            actor=current_actor(),
            notes=body.notes,
            row_label=parsing.device_label,
        )
    except ValidationError as error:
        raise parsing.with_dotted_fields(error) from None
    db.session.commit()
    location = url_for(".donation", donation_id=donation.id)
    return jsonify(serializers.donation(donation)), 201, {"Location": location}


@bp.get(f"/donations/<int(max={MAX_ID}):donation_id>")
@roles_required(*READ)
def donation(donation_id: int) -> Response:
    """Return a donation with its donor and its devices' asset tags."""
    found = db.session.get(Donation, donation_id)
    if found is None:
        raise NotFoundError(_l("No donation has the number %(id)s.", id=donation_id))
    return jsonify(serializers.donation(found))


@bp.get("/devices/<asset_tag>")
@database.reads_only
@roles_required(*READ)
def device(asset_tag: str) -> Response:
    """Return a device, the actions the caller may perform on it now, and its history."""
    return jsonify(serializers.device(device_by_tag(asset_tag), current_actor()))


@bp.post("/devices/<asset_tag>/actions/<action>")
@roles_required(*READ)
def perform(asset_tag: str, action: str) -> Response:
    """Perform an action on a device; answer the device as it is now."""
    data, expected_version = parsing.action_input(action, parsing.json_object(allow_empty=True))
    found = device_by_tag(asset_tag)
    services.perform(found, action, data, actor=current_actor(), expected_version=expected_version)
    db.session.commit()
    return jsonify(serializers.device(found, current_actor()))


@bp.get("/stock")
@roles_required(*READ)
def stock() -> Response:
    """Count the devices by status and by type."""
    return jsonify(serializers.stock(counts_by_status_and_type()))


def device_by_tag(asset_tag: str) -> Device:
    """Return the device with this tag; a tag no label could carry is simply not found."""
    if len(asset_tag) > 64 or not asset_tag.isprintable():
        raise NotFoundError(_l("No device has this tag."))
    return services.get_device(asset_tag, with_donation=True)  # every answer names it
