"""The dashboard, the health check and the language switch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.auth.models import ROLE_TITLES
from reuse_tracker.devices import stock
from reuse_tracker.extensions import db
from reuse_tracker.features import menu_entries, registry
from reuse_tracker.i18n import LANGUAGES
from reuse_tracker.main import bp
from reuse_tracker.web import page_urls

#: Where the rendered main menus are kept (``main_menu``).
MENUS = "reuse_tracker.menus"
#: Where the rendered parts of the layout are kept (``layout_part``).
LAYOUT_PARTS = "reuse_tracker.layout_parts"
#: Where the addresses that depend only on the mount point are kept (``fixed_url``).
FIXED_URLS = "reuse_tracker.fixed_urls"


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
    def role_title(role: str) -> str:
        return str(ROLE_TITLES.get(role, role))

    return {
        "main_menu": main_menu,
        "role_title": role_title,
        "layout_part": layout_part,
        "fixed_url": fixed_url,
        "page_urls": page_urls,
    }


def layout_part(name: str) -> Markup:
    """Return the layout's ``_layout_<name>.html`` (its style sheets, its scripts), rendered
    once per language and mount point and kept by the worker.

    They hold nothing else: their seven addresses, built by the URL map and by
    Bootstrap-Flask's helpers for every page, were a third of the layout's time.
    """
    parts = current_app.extensions.setdefault(LAYOUT_PARTS, {})
    key = (name, str(get_locale()), request.script_root)
    part = parts.get(key)
    if part is None:
        part = parts[key] = Markup(render_template(f"_layout_{name}.html"))
    return part


def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` for an address that depends only on where the
    application is mounted (the dashboard, the sign-out, a language): built once per worker.

    Only for values written in a template, never a request's (each one is kept).
    """
    urls = current_app.extensions.setdefault(FIXED_URLS, {})
    key = (request.script_root, endpoint, *values.items())
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url


def main_menu() -> Markup:
    """Return the signed-in user's main menu, the current page marked.

    A menu depends only on the role, the language, where the application is mounted and
    the page it marks (one of its own, or none): each is rendered once per worker and kept
    (a few dozen).
    """
    if not current_user.is_authenticated:
        return Markup("")
    menus = current_app.extensions.setdefault(MENUS, {})
    key = (current_user.role, str(get_locale()), request.script_root)
    if key not in menus:
        sections = {
            section: [
                (entry.endpoint, entry.icon, entry.label)
                for entry in menu_entries(section)
                if current_user.has_role(*entry.roles)
            ]
            for section in ("main", "more")
        }
        shown = {endpoint for entries in sections.values() for endpoint, _, _ in entries}
        menus[key] = (sections, shown, {})
    sections, shown, marked = menus[key]
    current = request.endpoint if request.endpoint in shown else None  # else nothing marked
    if current not in marked:
        marked[current] = Markup(
            render_template(
                "_menu.html", items=sections["main"], more=sections["more"], current=current
            )
        )
    return marked[current]
