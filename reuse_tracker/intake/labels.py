"""A donation's labels, to print right after intake."""

from __future__ import annotations

from flask import request

from reuse_tracker.auth.access import WORKSHOP, roles_required
from reuse_tracker.devices import labelling
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake import bp
from reuse_tracker.intake.models import Donation
from reuse_tracker.web import pdf_response


@bp.route("/donations/<int:donation_id>/labels.pdf")
@roles_required(*WORKSHOP)
def labels(donation_id: int):
    donation = db.get_or_404(Donation, donation_id)
    layout, start = labelling.choose_layout(request.args.get("layout"), request.args.get("start"))
    labels = labelling.device_labels([Device.donation_id == donation.id])
    return pdf_response(
        labelling.render(labels, layout, start, donation.reference),
        f"{donation.reference}-labels.pdf",
    )
