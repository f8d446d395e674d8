"""Donors, donations, the CSV import, the intake receipt and the donation's labels."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, add_menu_entry, add_provider
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("intake", __name__)


def init_app(app: Flask) -> None:
    """Serve the donation pages, the CSV import and the donation's documents."""
    from reuse_tracker.intake import import_views, labels, queries, views
    from reuse_tracker.policy import READ

    add_feature(app, "intake", [views.__name__, import_views.__name__, labels.__name__])
    app.register_blueprint(bp)
    add_provider(app, "provenance", queries.provenance)
    add_provider(app, "donation_with_reference", queries.donation_with_reference)
    add_provider(app, "donation_choices", queries.donation_choices)
    add_menu_entry(app, "intake.index", "box-seam", _l("Donations"), READ)
