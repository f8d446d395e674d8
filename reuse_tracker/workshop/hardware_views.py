"""The hardware report's upload on the device page."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from reuse_tracker.auth.access import WORKSHOP, current_actor, roles_required
from reuse_tracker.devices import services as devices
from reuse_tracker.devices.fields import field_title
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.workshop import bp, hardware_service


@bp.route("/devices/<asset_tag>/hardware", methods=["POST"])
@roles_required(*WORKSHOP)
def hardware_report_page(asset_tag: str):
    """Read the uploaded reports; open the diagnostics form with the health they gave."""
    device = devices.get_device(asset_tag)
    files = [upload.read() for upload in request.files.getlist("file") if upload.filename]
    try:
        result = hardware_service.apply(device, hardware_service.read(files), actor=current_actor())
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for("devices.detail", asset_tag=device.asset_tag))
    db.session.commit()
    if result["filled"]:
        names = ", ".join(field_title("correct_details", name) for name in result["filled"])
        flash(_("Filled from the report: %(names)s.", names=names), "success")
    else:
        flash(_("The report gave nothing the device lacked."), "info")
    if result["serial_mismatch"]:
        flash(
            _(
                "The machine reports the serial %(reported)s, not %(recorded)s as recorded at "
                "intake: check the label; nothing was changed.",
                **result["serial_mismatch"],
            ),
            "warning",
        )
    disks = [disk["serial"] for disk in result["disks"] if disk["serial"]]
    if disks:
        flash(_("Disks by serial: %(serials)s.", serials=", ".join(disks)), "info")
    return redirect(
        url_for(
            "devices.detail",
            asset_tag=device.asset_tag,
            open="record_diagnostics",
            **result["diagnostics"],
        )
    )
