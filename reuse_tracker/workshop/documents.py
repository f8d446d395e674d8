"""Workshop documents: the erasure certificate, the WEEE register, and nwipe logs read in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date

from flask import current_app, flash, redirect, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from reuse_tracker import clock, csv_export, inputs
from reuse_tracker.auth.access import READ, WORKSHOP, current_actor, roles_required
from reuse_tracker.auth.models import Role
from reuse_tracker.devices import services as actions
from reuse_tracker.errors import UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.web import pdf_response
from reuse_tracker.workshop import bp, certificate, certificate_pdf, erasure_import, weee


@bp.route("/donations/<int:donation_id>/erasure-certificate.pdf")
@roles_required(*READ)
def erasure_certificate(donation_id: int):
    today = clock.today()
    data = certificate.for_donation(donation_id, current_actor(), today)
    filename = f"{data.reference}-erasure-certificate.pdf"
    return pdf_response(certificate_pdf.render(data), filename)


def _period() -> tuple[date, date]:
    """Read ``from`` and ``to`` (YYYY-MM-DD); default: this year up to today."""
    today = clock.today()
    bounds, errors = {}, {}
    for name, default in (("from", date(today.year, 1, 1)), ("to", today)):
        raw = request.args.get(name, "").strip()
        try:
            bounds[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[name] = _("must be a date (YYYY-MM-DD)")
    if not errors and bounds["from"] > bounds["to"]:
        errors["to"] = _("is before the start of the period")
    if errors:
        raise ValidationError(_("The period is not valid."), errors)
    return bounds["from"], bounds["to"]


@bp.route("/workshop/weee.csv")
@roles_required(Role.COORDINATOR)
def weee_register():
    start, end = _period()
    filename = f"registre-deee-{start.isoformat()}-{end.isoformat()}.csv"
    return csv_export.response(
        weee.register_chunks(start, end, clock.zone(), _own_context()), filename
    )


def _own_context() -> Callable[[], AbstractContextManager]:
    """Return a factory of application contexts in this request's language, for streaming.

    The response body is produced after the request's context is gone; each chunk opens and
    closes its own (holding one across a ``yield`` would leak it into the server's thread).
    """
    app = current_app._get_current_object()
    locale = str(get_locale())

    @contextmanager
    def context() -> Iterator[None]:
        with app.app_context(), force_locale(locale):
            yield

    return context


@bp.route("/devices/<asset_tag>/nwipe", methods=["POST"])
@roles_required(*WORKSHOP)
def nwipe_log(asset_tag: str):
    """Record every disk of an uploaded nwipe log on this device."""
    device = actions.get_device(asset_tag)
    upload = request.files.get("log")
    back = url_for("devices.detail", asset_tag=device.asset_tag, open="record_erasure")
    try:
        if upload is None or not upload.filename:
            raise ValidationError(_("Choose the nwipe log file to upload."))
        filed = erasure_import.import_log(
            device,
            upload.read(),
            actor=current_actor(),
            filename=upload.filename,
            expected_version=inputs.form_version(request.form),
        )
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(back)
    db.session.commit()
    events = filed.events
    failed = sum(event.payload["result"] != "passed" for event in events)
    message = ngettext(
        "%(num)s disk recorded from the nwipe log.",
        "%(num)s disks recorded from the nwipe log.",
        len(events),
    )
    if failed:
        message += " " + ngettext(
            "%(num)s failed: erase it again.", "%(num)s failed: erase them again.", failed
        )
    flash(message, "warning" if failed else "success")
    for warning in filed.warnings:
        flash(warning["message"], "warning")
    return redirect(url_for("devices.detail", asset_tag=device.asset_tag))
