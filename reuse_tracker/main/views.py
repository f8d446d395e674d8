"""The dashboard, the health check and the language switch."""

from __future__ import annotations

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


@bp.route("/")
@roles_required(*READ)
def dashboard():
    return render_template("main/dashboard.html", **stock.dashboard_figures())


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.dashboard")
    return redirect(target)


NAV = (
    ("main.dashboard", "speedometer2", _l("Dashboard"), READ),
    ("workshop.scan", "upc-scan", _l("Scan"), READ),
    ("devices.index", "laptop", _l("Devices"), READ),
    ("workshop.board", "tools", _l("Workshop"), (Role.COORDINATOR, Role.WORKSHOP, Role.VIEWER)),
    ("intake.index", "box-seam", _l("Donations"), READ),
    ("loans.waves", "calendar-range", _l("Waves"), READ),
    ("loans.families", "house-heart", _l("Families"), READ),
    ("loans.overdue", "alarm", _l("Overdue loans"), (Role.COORDINATOR, Role.MEDIATOR)),
    ("devices.preprinted", "upc", _l("Labels"), (Role.COORDINATOR,)),
    ("loans.charter_settings", "file-earmark-text", _l("Charter"), (Role.COORDINATOR,)),
)


@bp.app_context_processor
def _navigation():
    def nav_items():
        if not current_user.is_authenticated:
            return []
        return [
            (endpoint, icon, label)
            for endpoint, icon, label, roles in NAV
            if current_user.has_role(*roles)
        ]

    def role_title(role: str) -> str:
        return str(ROLE_TITLES.get(role, role))

    return {"nav_items": nav_items, "role_title": role_title}
