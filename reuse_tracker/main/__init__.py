"""Pages that belong to no one feature: the dashboard, health check, language switch."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, add_menu_entry
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    """Serve the dashboard, the health check and the language switch."""
    from reuse_tracker.main import views
    from reuse_tracker.policy import READ

    add_feature(app, "main", [views.__name__])
    app.register_blueprint(bp)
    add_menu_entry(app, "main.dashboard", "speedometer2", _l("Dashboard"), READ)
