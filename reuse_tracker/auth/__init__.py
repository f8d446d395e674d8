"""Users, roles, sign-in and API tokens."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, add_menu_entry
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Serve sign-in, sign-out, the admin pages and the audit log; add the users and tokens CLI."""
    from reuse_tracker.auth import admin_views, audit_views, cli, views
    from reuse_tracker.auth.models import Role

    add_feature(app, "auth", [views.__name__, admin_views.__name__, audit_views.__name__])
    app.register_blueprint(bp)
    add_menu_entry(app, "auth.admin_users", "person-gear", _l("Users"), (), "more")
    add_menu_entry(app, "auth.audit", "journal-check", _l("Audit log"), [Role.ADMIN], "more")
    app.cli.add_command(cli.users)
    app.cli.add_command(cli.tokens)
