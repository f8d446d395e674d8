"""Label printing: one device, a selection, and runs of pre-printed blank labels."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from labels import LAYOUTS, Layout
from reuse_tracker import inputs
from reuse_tracker.auth.access import WORKSHOP, current_actor, roles_required
from reuse_tracker.auth.models import Role
from reuse_tracker.devices import bp, labelling
from reuse_tracker.devices.models import Device, LabelBatch
from reuse_tracker.devices.services import normalise_tag
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.web import pdf_response


def label_layouts() -> dict[str, Layout]:
    """Return the label layouts, titled in the user's language (for the pages that print)."""
    return _titled_layouts(str(get_locale()))


@lru_cache(maxsize=8)
def _titled_layouts(language: str) -> dict[str, Layout]:
    """The layouts titled in ``language``, the current one (the key of this cache)."""
    return {
        name: replace(layout, title=labelling.layout_title(name))
        for name, layout in LAYOUTS.items()
    }


@bp.app_context_processor
def _label_layouts():
    return {"label_layouts": label_layouts}


@bp.route("/devices/<asset_tag>/label.pdf")
@roles_required(*WORKSHOP)
def label(asset_tag: str):
    layout, start = labelling.choose_layout(request.args.get("layout"), request.args.get("start"))
    labels = labelling.device_labels([Device.asset_tag == normalise_tag(asset_tag)])
    if not labels:
        abort(404)
    return pdf_response(
        labelling.render(labels, layout, start, labels[0].tag), f"{labels[0].tag}.pdf"
    )


@bp.route("/devices/labels.pdf", methods=["POST"])
@roles_required(*WORKSHOP)
def selection_labels():
    """Labels for the devices ticked in the list."""
    layout, start = labelling.choose_layout(request.form.get("layout"), request.form.get("start"))
    tags = sorted({normalise_tag(tag) for tag in request.form.getlist("tag") if tag.strip()})
    if not tags:
        raise ValidationError(_("Tick at least one device to print its label."))
    labels = labelling.device_labels([Device.asset_tag.in_(tags[: labelling.MAX_LABELS + 1])])
    return pdf_response(labelling.render(labels, layout, start, _("Labels")), "labels.pdf")


@bp.route("/labels/preprinted", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def preprinted():
    if request.method == "POST":
        layout, start = labelling.choose_layout(
            request.form.get("layout"), request.form.get("start")
        )
        count = inputs.field_integer(request.form.get("count"), "count", high=inputs.MAX_COUNT)
        count = count or 0
        batch = labelling.preprint(count, current_actor(), request.form.get("note", ""))
        db.session.commit()
        flash(
            _(
                "%(n)s tags reserved, %(first)s to %(last)s. Print the sheet now.",
                n=batch.count,
                first=batch.first_tag,
                last=batch.last_tag,
            ),
            "success",
        )
        return redirect(url_for(".preprinted", printed=batch.id, layout=layout, start=start))
    return render_template(
        "devices/preprinted.html",
        batches=labelling.batches_with_use(),
        printed=inputs.record_id(request.args.get("printed")),
        layout=request.args.get("layout"),
        start=request.args.get("start", 1),
    )


@bp.route("/labels/preprinted/<int:batch_id>.pdf")
@roles_required(Role.COORDINATOR)
def preprinted_pdf(batch_id: int):
    batch = db.get_or_404(LabelBatch, batch_id)
    layout, start = labelling.choose_layout(request.args.get("layout"), request.args.get("start"))
    labels = labelling.batch_labels(batch, only_unused=request.args.get("unused") == "1")
    return pdf_response(
        labelling.render(labels, layout, start, f"{batch.first_tag}…"),
        f"tags-{batch.first_tag}-{batch.last_tag}.pdf",
    )
