"""The dashboard, the health check and the language switch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.auth.models import ROLE_TITLES
from reuse_tracker.devices import stock
from reuse_tracker.extensions import db
from reuse_tracker.features import menu_entries, registry
from reuse_tracker.i18n import LANGUAGES
from reuse_tracker.main import bp


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
    panels = [
        (template, panel)
        for template, context in registry().panels.items()
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


@bp.app_context_processor
def _navigation():
    def allowed(section: str):
        if not current_user.is_authenticated:
            return []
        return [
            (entry.endpoint, entry.icon, entry.label)
            for entry in menu_entries(section)
            if current_user.has_role(*entry.roles)
        ]

    def nav_items():
        return allowed("main")

    def nav_more():
        return allowed("more")

    def role_title(role: str) -> str:
        return str(ROLE_TITLES.get(role, role))

    return {"nav_items": nav_items, "nav_more": nav_more, "role_title": role_title}
