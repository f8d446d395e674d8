"""Device pages: the list, a device with its actions and history, the phone entry point."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape

from reuse_tracker import database, inputs
from reuse_tracker.auth.access import READ, WORKSHOP, current_actor, roles_required
from reuse_tracker.devices import actions, bp, corrections, provenance, readiness, search, services
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, GRADES, Device
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.i18n import gettext as _
from reuse_tracker.vocabulary import TYPE_TITLES, title
from reuse_tracker.web import plain_url


@bp.app_context_processor
def _device_helpers():
    return {
        "status_title": services.status_title,
        "status_badge": status_badge,
        "device_url": device_url,
        "action_title": actions.action_title,
        "done_title": actions.done_title,
        "type_title": type_title,
        "STATUSES": [s.value for s in Status],
        "DEVICE_TYPES": DEVICE_TYPES,
        "field_title": action_fields.field_title,
        "value_title": action_fields.value_title,
        "check_title": action_fields.check_title,
        "history_link": _history_link,
    }


def type_title(kind: str) -> str:
    """Name a device type as people read it."""
    return title(TYPE_TITLES, kind)


def status_badge(status: str) -> Markup:
    """A device state as a badge, coloured by the state (``.status-<state>`` in the styles).

    A function rather than a macro: the device list shows 50 of them, and a macro call costs
    Jinja a new frame each time.
    """
    name = escape(services.status_title(status))
    return Markup(f'<span class="badge status-badge status-{escape(status)}">{name}</span>')


def device_url(asset_tag: str) -> str:
    """``url_for("devices.detail", asset_tag=...)``, its start built once a request."""
    return plain_url("devices.detail", "asset_tag", asset_tag)


def _history_link(action: str, key: str, value) -> str | None:
    """Return where a recorded value leads (a feature's ``history_link`` provider), if anywhere."""
    provide = registry().providers.get("history_link")
    return provide(action, key, value, current_actor()) if provide else None


def _page_sections(device: Device) -> list[tuple]:
    """Return (template, value) of each device section a feature shows on the device page.

    A feature that registered a section ``name`` (``features.add_device_section``) shows it
    here with its template ``device_sections/<name>.html``, if it has one.
    """
    sections = []
    for name, (provide, _default) in registry().device_sections.items():
        try:
            template = current_app.jinja_env.get_template(f"device_sections/{name}.html")
        except TemplateNotFound:
            continue
        sections.append((template, provide(device, current_actor())))
    return sections


def _filters() -> dict[str, str]:
    args = request.args
    steps, _condition = _workshop_steps()
    return {
        "status": args.get("status", "") if args.get("status") in set(Status) else "",
        "type": args.get("type", "") if args.get("type") in DEVICE_TYPES else "",
        "donation": str(inputs.record_id(args.get("donation")) or ""),
        "grade": args.get("grade", "") if args.get("grade") in GRADES else "",
        "step": args.get("step", "") if args.get("step") in steps else "",
        "sort": args.get("sort", "") if args.get("sort") in search.SORTS else "newest",
        "q": inputs.clean_text(args.get("q", "")[:80], multiline=True),
    }


def _workshop_steps():
    """The workshop's steps and their condition, if the workshop feature provides them."""
    provide = registry().providers.get("workshop_steps")
    return provide() if provide else ({}, None)


def _filtered(filters: dict[str, str]) -> sa.Select:
    statement = sa.select(Device)
    if filters["status"]:
        statement = statement.where(Device.status == filters["status"])
    if filters["type"]:
        statement = statement.where(Device.type == filters["type"])
    if filters["donation"]:
        statement = statement.where(Device.donation_id == int(filters["donation"]))
    if filters["grade"]:
        statement = statement.where(Device.grade == filters["grade"])
    if filters["step"]:
        _steps, condition = _workshop_steps()
        statement = statement.where(condition(filters["step"]))
    if filters["q"]:
        providers = registry().providers
        statement = statement.where(
            search.matching(
                filters["q"], services.normalise_tag, providers.get("donation_with_reference")
            )
        )
    return statement


@bp.route("/devices")
@roles_required(*READ)
def index():
    filters = _filters()
    if filters["q"]:
        exact = db.session.scalar(
            sa.select(Device.asset_tag).where(
                Device.asset_tag == services.normalise_tag(filters["q"])
            )
        )
        if exact:
            return redirect(url_for(".detail", asset_tag=exact))
    statement = _filtered(filters)
    page = database.paginate(
        statement.order_by(*search.SORTS[filters["sort"]]),
        page=inputs.page(request.args.get("page")),
        per_page=inputs.per_page(request.args.get("per_page"), 50, 200),
        when_few=statement.order_by(*search.FENCED_SORTS[filters["sort"]])
        if filters["q"]
        else None,
    )
    origin = provenance.of_donation(int(filters["donation"])) if filters["donation"] else None
    can_print = current_actor().has_role(*WORKSHOP)
    steps, _condition = _workshop_steps()
    donations = registry().providers.get("donation_choices")
    return render_template(
        "devices/index.html",
        page=page,
        filters=filters,
        origin=origin,
        can_print=can_print,
        grades=GRADES,
        steps=steps,
        donations=donations(int(filters["donation"]) if filters["donation"] else None)
        if donations
        else [],
        # Named once for the page's rows (up to 200), not once a row: 19 µs a row.
        kinds={kind: type_title(kind) for kind in DEVICE_TYPES},
        badges={status: status_badge(status) for status in Status},
        select_label=_("Select %(tag)s"),
    )


@bp.route("/d/<asset_tag>")
@database.reads_only
@roles_required(*READ)
def short(asset_tag: str):
    """The address the QR code carries: opens the device page."""
    return redirect(url_for(".detail", asset_tag=services.normalise_tag(asset_tag)))


def _load(asset_tag: str) -> Device:
    device = services.find_device(asset_tag)
    if device is None:
        abort(404)
    return device


@bp.route("/devices/<asset_tag>")
@database.reads_only
@roles_required(*READ)
def detail(asset_tag: str):
    return _render_detail(_load(asset_tag))


def _render_detail(device, *, failed=None, errors=None, values=None, status=200):
    steps = services.next_steps(device, current_actor())
    context = {
        "device": device,
        "origin": provenance.of_donation(device.donation_id),
        "events": services.events_of(device),
        "actions": steps.actions,
        "missing": [readiness.guard_message(code) for code in steps.missing],
        "suggested": steps.suggested,
        "fields_for": action_fields.fields_for,
        "failed": failed,
        "errors": errors or {},
        "opened": request.args.get("open"),
        "values": values or {},
        # Forms that edit what the device holds open with its current values.
        "prefill": {
            "correct_details": corrections.current_values(device),
            # What a hardware report read (workshop/hardware_views.py) passes on to confirm.
            "record_diagnostics": {
                key: request.args[key]
                for key in ("battery_health_pct", "storage_health")
                if key in request.args
            },
        },
        # Read only when a form asks for checks (one query).
        "checklist": action_fields.checklist_for(device.type)
        if any(f.kind == "checks" for a in steps.actions for f in action_fields.fields_for(a))
        else (),
        "sections": _page_sections(device),
    }
    return render_template("devices/detail.html", **context), status


@bp.route("/devices/<asset_tag>/actions/<action>", methods=["POST"])
@roles_required(*READ)
def act(asset_tag: str, action: str):
    device = _load(asset_tag)
    data = action_fields.from_form(action, request.form)
    try:
        version = inputs.form_version(request.form)
        services.perform(device, action, data, actor=current_actor(), expected_version=version)
    except ValidationError as error:
        db.session.rollback()
        device = _load(asset_tag)
        flash(error.message, "danger")
        return _render_detail(
            device,
            failed=action,
            errors=error.fields,
            values=request.form,
            status=422,
        )
    except ConflictError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for(".detail", asset_tag=services.normalise_tag(asset_tag)))
    db.session.commit()
    flash(
        _(
            "%(action)s: done for %(tag)s.",
            action=actions.action_title(action),
            tag=device.asset_tag,
        ),
        "success",
    )
    return redirect(url_for(".detail", asset_tag=device.asset_tag))
