"""The scan station: look a device up by its label, or apply one action to a stack."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import jsonify, render_template, request, url_for

from reuse_tracker.auth.access import READ, current_actor, roles_required
from reuse_tracker.devices import actions, corrections, readiness, services
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import PermissionDenied, UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.vocabulary import TYPE_TITLES
from reuse_tracker.workshop import bp, station

#: Actions the station offers device by device, never to a batch.
SINGLE_DEVICE_ACTIONS = frozenset({"correct_details"})


def batch_actions() -> list[str]:
    """Actions a stack of devices can receive at the scan station, for this user."""
    user = current_actor()
    return [
        a
        for a in actions.available_actions()
        # A correction is one device's own values: never the same for a whole stack.
        if actions.may_perform(user, a) and a not in SINGLE_DEVICE_ACTIONS
    ]


@bp.route("/scan")
@roles_required(*READ)
def scan():
    action = request.args.get("action", "")
    if action not in batch_actions():
        action = ""
    return render_template(
        "workshop/scan.html",
        batch_action=action,
        # A new key per page: the batch it serves records each device once.
        batch_key=secrets.token_urlsafe(16) if action else "",
        actions=batch_actions(),
        fields=action_fields.fields_for(action) if action else (),
        checklist=action_fields.checklist_for(request.args.get("type", "laptop")),
    )


def _device_card(device: Device) -> dict:
    steps = services.next_steps(device, current_actor())
    return {
        "asset_tag": device.asset_tag,
        "type": str(TYPE_TITLES.get(device.type, device.type)).capitalize(),
        "suggested": steps.suggested,
        "missing": [readiness.guard_message(code) for code in steps.missing],
        "label": device.label,
        "serial": device.serial,
        "status": device.status,
        "status_title": services.status_title(device.status),
        "version": device.version,
        "grade": device.grade,
        "url": url_for("devices.detail", asset_tag=device.asset_tag),
        "actions": [
            {
                "action": a,
                "title": actions.action_title(a),
                "needs_fields": bool(action_fields.fields_for(a)),
                "url": url_for("devices.detail", asset_tag=device.asset_tag, open=a),
            }
            for a in steps.actions
        ],
    }


def _choice(device: Device) -> dict:
    return {
        "asset_tag": device.asset_tag,
        "label": device.label,
        "serial": device.serial,
        "donor_asset_number": device.donor_asset_number or "",
        "status_title": services.status_title(device.status),
    }


def _refusal(code: str, error: UserError):
    body = {"ok": False, "code": code[:60], "error": error.full_message}
    if error.fields:
        body["fields"] = error.fields
    return jsonify(body), error.status


def _several(code: str, devices: list[Device]):
    """Several devices share the serial or inventory number: the user picks one."""
    shown = devices[: station.MAX_CHOICES]
    return jsonify(
        ok=False,
        code=code[:60],
        error=_("Several devices match “%(code)s”: choose one.", code=code.strip()[:60]),
        choices=[_choice(d) for d in shown],
    ), 300


@bp.route("/scan/lookup")
@roles_required(*READ)
def lookup():
    code = request.args.get("code", "")
    try:
        found = station.devices_for_code(code)
    except UserError as error:
        return _refusal(code, error)
    if len(found) > 1:
        return _several(code, found)
    return jsonify(ok=True, device=_device_card(found[0]))


@bp.route("/scan/form")
@roles_required(*READ)
def action_form():
    """The form of one action for one device, to open inside the station."""
    tag = request.args.get("tag", "")
    action = request.args.get("action", "")
    try:
        device = services.get_device(tag)
        if action not in services.next_steps(device, current_actor()).actions:
            raise PermissionDenied(_("This action is not possible for you on this device now."))
    except UserError as error:
        return _refusal(tag, error)
    html = render_template(
        "workshop/_station_form.html",
        device=device,
        values=corrections.current_values(device) if action == "correct_details" else {},
        action=action,
        fields=action_fields.fields_for(action),
        checklist=action_fields.checklist_for(device.type),
    )
    return jsonify(ok=True, html=html)


@bp.route("/scan/apply", methods=["POST"])
@roles_required(*READ)
def apply():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(ok=False, error=_("The request is not valid.")), 400
    code = str(body.get("code") or "")
    action = str(body.get("action") or "")
    batch_key = str(body.get("batch") or "")[:64]
    version = body.get("version") if isinstance(body.get("version"), int) else None
    fields = body.get("fields") if isinstance(body.get("fields"), dict) else {}
    try:
        found = station.devices_for_code(code)
        if len(found) > 1:
            return _several(code, found)
        device = found[0]
        if station.done_in_batch(batch_key, device, action):
            return _already_done(device, action)
        station.perform_in_batch(
            batch_key,
            device,
            action,
            action_fields.from_form(action, fields),
            actor=current_actor(),
            expected_version=version,
        )
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another scan of this batch recorded it first.
        db.session.rollback()
        return _already_done(services.get_device(found[0].asset_tag), action)
    except UserError as error:
        db.session.rollback()
        return _refusal(code, error)
    return jsonify(
        ok=True,
        device=_device_card(device),
        message=_(
            "%(action)s: done for %(tag)s.",
            action=actions.action_title(action),
            tag=device.asset_tag,
        ),
    )


def _already_done(device: Device, action: str):
    return jsonify(
        ok=True,
        duplicate=True,
        device=_device_card(device),
        message=_(
            "Already done in this batch (%(action)s): nothing recorded again.",
            action=actions.action_title(action),
        ),
    )
