"""Workshop pages: the board, the jump to a device's next step, the parts stock, the checklists."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker import clock
from reuse_tracker.auth.access import WORKSHOP, current_actor, roles_required
from reuse_tracker.auth.models import Role
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices import services as actions
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import elapsed
from reuse_tracker.i18n import gettext as _
from reuse_tracker.policy import WORKSHOP_READERS
from reuse_tracker.workshop import board as workshop_board
from reuse_tracker.workshop import bp, checklists, parts

#: Who sees the board and the stock; only WORKSHOP roles change anything.
#: Long waits are highlighted on the board.
LONG_WAIT_DAYS = 7


@bp.route("/workshop")
@roles_required(*WORKSHOP_READERS)
def board():
    now = utcnow()
    activity: dict[str, dict[str, workshop_board.Activity]] = {}
    for item in workshop_board.activity(now, clock.zone()):
        activity.setdefault(item.actor, {})[item.action] = item
    done = {action for by_action in activity.values() for action in by_action}
    return render_template(
        "workshop/board.html",
        columns=workshop_board.queue(),
        steps=workshop_board.STEPS,
        next_action=workshop_board.NEXT_ACTION,
        activity=activity,
        activity_actions=[a for a in workshop_board.WORKSHOP_ACTIONS if a in done],
        waited=lambda since: elapsed(now - since),
        long_wait=lambda since: (now - since).days >= LONG_WAIT_DAYS,
        can_act=current_actor().has_role(*WORKSHOP),
        can_export=current_actor().has_role(Role.COORDINATOR),
    )


@bp.route("/workshop/go")
@roles_required(*WORKSHOP_READERS)
def go():
    """Open the scanned device at its next step."""
    code = request.args.get("code", "")
    tag = scanned_tag(code)
    try:
        if tag is None:
            raise UserError(_("“%(code)s” is not a device label.", code=code.strip()[:60]))
        device = actions.get_device(tag)
    except UserError as error:
        flash(error.message, "danger")
        return redirect(url_for(".board"))
    step = actions.next_steps(device, current_actor()).suggested
    return redirect(url_for("devices.detail", asset_tag=device.asset_tag, open=step))


@bp.route("/workshop/parts")
@roles_required(*WORKSHOP_READERS)
def parts_stock():
    return _render_parts()


def _render_parts(errors: dict | None = None, values: dict | None = None, status: int = 200):
    return render_template(
        "workshop/parts.html",
        lines=parts.stock_lines(),
        movements=parts.recent_movements(),
        kind_title=parts.kind_title,
        fields=action_fields.fields_for("harvest_part"),
        errors=errors or {},
        values=values or {},
        can_act=current_actor().has_role(*WORKSHOP),
    ), status


@bp.route("/workshop/parts/count", methods=["POST"])
@roles_required(*WORKSHOP)
def count_parts():
    """Count parts in (bought, given loose) or out (defective, thrown away)."""
    try:
        data = action_fields.validate("harvest_part", request.form)
        quantity, note = data.get("quantity", 1), data.get("notes", "")
        move = parts.take if request.form.get("direction") == "out" else parts.add
        move(
            data["kind"],
            data["spec"],
            quantity,
            reason="adjustment",
            actor=current_actor(),
            note=note,
        )
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return _render_parts(error.fields, request.form, 422)
    db.session.commit()
    flash(_("The stock was updated."), "success")
    return redirect(url_for(".parts_stock"))


@bp.route("/workshop/checklists", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def checklists_page():
    errors, failed = {}, None
    if request.method == "POST":
        kind = request.form.get("device_type", "")
        try:
            _save_checklist(kind)
        except ValidationError as error:
            db.session.rollback()
            flash(error.full_message, "danger")
            errors, failed = error.fields, kind
        else:
            db.session.commit()
            flash(_("The checklist was saved."), "success")
            return redirect(url_for(".checklists_page"))
    return render_template(
        "workshop/checklists.html",
        checklists=checklists.all_checklists(),
        known=checklists.known_checks(),
        device_types=DEVICE_TYPES,
        errors=errors,
        failed=failed,
    ), 422 if errors else 200


def _save_checklist(kind: str) -> None:
    if request.form.get("reset"):
        if kind not in DEVICE_TYPES:
            raise ValidationError(_("Unknown device type."), {"device_type": _("is unknown")})
        checklists.reset_checklist(kind)
        return
    extra = request.form.get("extra", "").replace(";", ",").split(",")
    checklists.save_checklist(kind, request.form.getlist("checks") + extra, current_actor())
