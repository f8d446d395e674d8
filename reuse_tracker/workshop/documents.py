"""Workshop documents: the erasure certificate, the WEEE register, and nwipe logs read in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale

from reuse_tracker import clock, csv_export, inputs
from reuse_tracker.auth.access import READ, WORKSHOP, current_actor, roles_required
from reuse_tracker.devices import services as actions
from reuse_tracker.errors import ConflictError, UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import ngettext
from reuse_tracker.intake.models import Donation
from reuse_tracker.web import actor, get_or_404, pdf_response
from reuse_tracker.workshop import bp, certificate, erasure_import, weee, weee_screen


@bp.route("/donations/<int:donation_id>/erasure-certificate.pdf")
@roles_required(*READ)
def erasure_certificate(donation_id: int):
    from reuse_tracker.intake.receipt import donor_language

    donation = get_or_404(Donation, donation_id)
    with force_locale(donor_language(donation.donor)):
        data = certificate.for_donation(donation_id, current_actor(), clock.today())
        try:
            issued = certificate.issue(data, donation_id, actor())
        except ConflictError as error:
            flash(error.message, "warning")
            return redirect(url_for("intake.detail", donation_id=donation_id))
    db.session.commit()
    return pdf_response(issued.content, f"{data.reference}-erasure-certificate.pdf")


def _period() -> tuple[date, date]:
    """Read ``from`` and ``to`` (YYYY-MM-DD); default: this year up to today.

    Raises ValidationError naming each bad bound (in the reader's words, not the parameter's).
    """
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
        labels = {"from": _("Start of the period"), "to": _("End of the period")}
        raise ValidationError(_("The period is not valid."), errors, labels)
    return bounds["from"], bounds["to"]


@bp.route("/workshop/weee")
@roles_required(*WORKSHOP)
def weee_page():
    """The register on screen; a bad period is answered here, with the form to correct it."""
    try:
        start, end = _period()
    except ValidationError as error:
        today = clock.today()
        return render_template(
            "workshop/weee.html",
            register=None,
            errors=error.fields,
            message=error.full_message,
            start=request.args.get("from", ""),
            end=request.args.get("to", ""),
            default_start=date(today.year, 1, 1),
        ), 422
    return render_template(
        "workshop/weee.html",
        register=weee_screen.register(start, end, clock.zone()),
        errors={},
        message=None,
        start=start.isoformat(),
        end=end.isoformat(),
        tonnes=weee_screen.tonnes,
    )


@bp.route("/workshop/weee.csv")
@roles_required(*WORKSHOP)
def weee_register():
    try:
        start, end = _period()
    except ValidationError:
        # Answered on the register's page, with the form: never a dead end.
        return redirect(url_for("workshop.weee_page", **request.args))
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
