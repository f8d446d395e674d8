"""The donor portal (a secret link, no account), the donor's page and its impact report."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, add_menu_entry, add_provider
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("donors", __name__)


def init_app(app: Flask) -> None:
    """Serve the donor pages and the portal; add ``flask donors``."""
    from reuse_tracker.donors import cli, portal_views, queries, views
    from reuse_tracker.policy import READ

    add_feature(app, "donors", [views.__name__, portal_views.__name__])
    app.register_blueprint(bp)
    app.cli.add_command(cli.donors)
    add_provider(app, "donation_panel", queries.donation_panel)
    add_menu_entry(app, "donors.index", "building", _l("Donors"), READ, section="more")
