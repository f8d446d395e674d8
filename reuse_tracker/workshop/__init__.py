"""The reconditioning workshop: scan station, erasure, diagnostics, grades, parts, WEEE."""

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

bp = Blueprint("workshop", __name__)
#: The workshop's JSON routes, nested under the API's blueprint.
api_bp = Blueprint("workshop", __name__)


def init_app(app: Flask) -> None:
    """Serve the workshop's pages and API; declare its actions, checklists and menu."""
    from reuse_tracker.policy import COORDINATION, READ, WORKSHOP, WORKSHOP_READERS
    from reuse_tracker.workshop import (
        actions,
        api,
        board,
        checklists,
        documents,
        eco_views,
        hardware_views,
        pages,
        views,
    )

    add_feature(
        app,
        "workshop",
        [
            views.__name__,
            pages.__name__,
            documents.__name__,
            api.__name__,
            eco_views.__name__,
            hardware_views.__name__,
        ],
    )
    app.register_blueprint(bp)
    add_api_blueprint(app, api_bp)
    api.register_openapi(app)
    actions.register_actions(app)
    add_provider(app, "checklist", checklists.checklist_for)
    add_provider(app, "workshop_steps", board.step_filter)
    add_panel(app, "workshop/_queue_panel.html", board.queue_panel)
    add_menu_entry(app, "workshop.scan", "upc-scan", _l("Scan"), READ)
    add_menu_entry(app, "workshop.board", "tools", _l("Workshop"), WORKSHOP_READERS)
    add_menu_entry(app, "workshop.parts_stock", "cpu", _l("Spare parts"), WORKSHOP_READERS, "more")
    add_menu_entry(app, "workshop.weee_page", "recycle", _l("WEEE register"), WORKSHOP, "more")
    add_menu_entry(
        app,
        "workshop.checklists_page",
        "ui-checks",
        _l("Diagnostic checklists"),
        COORDINATION,
        "more",
    )
