"""The scan station: look a device up by its label, or apply one action to a stack."""

from __future__ import annotations

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _

from reuse_tracker.auth.access import READ, current_actor, roles_required
from reuse_tracker.devices import actions, readiness, services
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.vocabulary import TYPE_TITLES
from reuse_tracker.workshop import bp


def batch_actions() -> list[str]:
    """Actions a stack of devices can receive at the scan station, for this user."""
    user = current_actor()
    return [a for a in actions.available_actions() if actions.may_perform(user, a)]


@bp.route("/scan")
@roles_required(*READ)
def scan():
    action = request.args.get("action", "")
    if action not in batch_actions():
        action = ""
    return render_template(
        "workshop/scan.html",
        batch_action=action,
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


def _find(code: str) -> Device:
    tag = scanned_tag(code)
    if tag is None:
        raise UserError(_("“%(code)s” is not a device label.", code=code.strip()[:60]))
    return services.get_device(tag)


@bp.route("/scan/lookup")
@roles_required(*READ)
def lookup():
    try:
        device = _find(request.args.get("code", ""))
    except UserError as error:
        return jsonify(
            ok=False, code=request.args.get("code", "")[:60], error=error.message
        ), error.status
    return jsonify(ok=True, device=_device_card(device))


@bp.route("/scan/apply", methods=["POST"])
@roles_required(*READ)
def apply():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(ok=False, error=_("The request is not valid.")), 400
    code = str(body.get("code") or "")
    action = str(body.get("action") or "")
    try:
        device = _find(code)
        fields = body.get("fields") if isinstance(body.get("fields"), dict) else {}
        services.perform(
            device,
            action,
            action_fields.from_form(action, fields),
            actor=current_actor(),
            expected_version=body.get("version"),
        )
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        return jsonify(ok=False, code=code[:60], error=error.full_message), error.status
    return jsonify(
        ok=True,
        device=_device_card(device),
        message=_(
            "%(action)s: done for %(tag)s.",
            action=actions.action_title(action),
            tag=device.asset_tag,
        ),
    )
