"""The dashboard, the health check and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.auth.models import ROLE_TITLES, Role
from reuse_tracker.devices import stock
from reuse_tracker.extensions import db
from reuse_tracker.i18n import LANGUAGES

bp = Blueprint("main", __name__)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


#: What features add to the dashboard: template → function giving its context, or None to
#: leave it out (for this user, or for lack of data). A few queries each, whatever the data.
DASHBOARD_PANELS: dict[str, Callable[[Any], dict[str, Any] | None]] = {}


def register_dashboard_panel(template: str, context: Callable[[Any], dict[str, Any] | None]):
    """Show ``template`` on the dashboard, rendered with ``context(current_user)``."""
    DASHBOARD_PANELS[template] = context


@bp.route("/")
@roles_required(*READ)
def dashboard():
    panels = [
        (template, panel)
        for template, context in DASHBOARD_PANELS.items()
        if (panel := context(current_user)) is not None
    ]
    return render_template("main/dashboard.html", panels=panels, **stock.dashboard_figures())


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.dashboard")
    return redirect(target)


#: The main menu: (endpoint, Bootstrap icon, label, roles); the second list goes under "More".
NAV = (
    ("main.dashboard", "speedometer2", _l("Dashboard"), READ),
    ("workshop.scan", "upc-scan", _l("Scan"), READ),
    ("devices.index", "laptop", _l("Devices"), READ),
    ("workshop.board", "tools", _l("Workshop"), (Role.COORDINATOR, Role.WORKSHOP, Role.VIEWER)),
    ("intake.index", "box-seam", _l("Donations"), READ),
    ("loans.waves", "calendar-range", _l("Waves"), READ),
    ("loans.families", "house-heart", _l("Families"), READ),
)
NAV_MORE = (
    ("loans.overdue", "alarm", _l("Overdue loans"), (Role.COORDINATOR, Role.MEDIATOR)),
    ("loans.schools", "building", _l("Schools"), READ),
    ("loans.associations", "people", _l("Associations"), READ),
    (
        "workshop.parts_stock",
        "cpu",
        _l("Spare parts"),
        (Role.COORDINATOR, Role.WORKSHOP, Role.VIEWER),
    ),
    ("devices.preprinted", "upc", _l("Pre-printed labels"), (Role.COORDINATOR,)),
    ("workshop.checklists_page", "ui-checks", _l("Diagnostic checklists"), (Role.COORDINATOR,)),
    ("loans.charter_settings", "file-earmark-text", _l("Charter text"), (Role.COORDINATOR,)),
)


@bp.app_context_processor
def _navigation():
    def allowed(entries):
        if not current_user.is_authenticated:
            return []
        return [
            (endpoint, icon, label)
            for endpoint, icon, label, roles in entries
            if current_user.has_role(*roles)
        ]

    def nav_items():
        return allowed(NAV)

    def nav_more():
        return allowed(NAV_MORE)

    def role_title(role: str) -> str:
        return str(ROLE_TITLES.get(role, role))

    return {"nav_items": nav_items, "nav_more": nav_more, "role_title": role_title}
