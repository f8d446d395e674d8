"""The programme's figures: families equipped against the target, circular economy, open data."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import (
    add_api_blueprint,
    add_feature,
    add_menu_entry,
    add_panel,
    add_provider,
)
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("metrics", __name__)
#: ``GET /api/v1/metrics``, nested under the API's blueprint (bearer token, staff only).
api_bp = Blueprint("metrics", __name__)
#: ``GET /api/v1/opendata/...``: public, suppressed figures.
opendata_bp = Blueprint("opendata", __name__)


def init_app(app: Flask) -> None:
    """Serve the figures page, report, open data and API; the panel, menu, CLI, provider."""
    from reuse_tracker.metrics import api, cli, donor_impact, opendata_views, panel, views
    from reuse_tracker.policy import FIGURES, READ

    route_modules = (views, opendata_views, api)
    add_feature(app, "metrics", [module.__name__ for module in route_modules])
    app.register_blueprint(bp)
    add_api_blueprint(app, api_bp)
    add_api_blueprint(app, opendata_bp)
    api.register_openapi(app)
    add_panel(app, "metrics/_panel.html", panel.target_panel)
    add_provider(app, "donor_impact", donor_impact.donor_impact)
    app.cli.add_command(cli.metrics)
    # In "More": one more main entry makes the menu overflow at 1200 px (the dashboard links here).
    add_menu_entry(app, "metrics.figures_page", "bar-chart-line", _l("Figures"), FIGURES, "more")
    add_menu_entry(app, "metrics.opendata", "box-arrow-up-right", _l("Open data"), READ, "more")
