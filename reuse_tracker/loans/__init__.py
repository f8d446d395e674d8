"""Schools, waves, families and loans: from referral to hand-over, return and the next family."""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import (
    add_api_blueprint,
    add_device_section,
    add_feature,
    add_menu_entry,
    add_panel,
    add_provider,
)
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("loans", __name__)
#: The loans' JSON routes, nested under the API's blueprint.
api_bp = Blueprint("loans", __name__)


def init_app(app: Flask) -> None:
    """Serve the loans' pages and API; declare the loan actions, the panel, the menu."""
    from reuse_tracker.loans import (
        actions,
        api,
        cli,
        day_views,
        directory_api,
        directory_views,
        family_views,
        handover_views,
        mediator_panel,
        queries,
        services,
        support,
        support_views,
        views,
        wave_edit_views,
    )
    from reuse_tracker.policy import COORDINATION, FAMILY_STAFF, READ

    route_modules = (
        views,
        family_views,
        handover_views,
        day_views,
        support_views,
        wave_edit_views,
        api,
        directory_views,
        directory_api,
    )
    add_feature(app, "loans", [module.__name__ for module in route_modules])
    app.register_blueprint(bp)
    add_api_blueprint(app, api_bp)
    api.register_openapi(app)
    actions.register_actions(app)
    add_device_section(app, "current_loan", services.current_loan_answer)
    add_provider(app, "history_link", views.history_link)
    add_provider(app, "support_figures", support.support_figures)
    add_panel(app, "loans/_mediator_panel.html", mediator_panel.mediator_panel)
    add_panel(app, "loans/_next_wave.html", queries.next_wave_panel)
    app.cli.add_command(cli.privacy)
    app.cli.add_command(cli.schools)
    add_menu_entry(app, "loans.waves", "calendar-range", _l("Waves"), READ)
    add_menu_entry(app, "loans.families", "house-heart", _l("Families"), READ)
    add_menu_entry(app, "loans.overdue", "alarm", _l("Overdue loans"), FAMILY_STAFF, "more")
    add_menu_entry(app, "loans.support_list", "chat-heart", _l("Support"), FAMILY_STAFF, "more")
    add_menu_entry(app, "loans.schools", "building", _l("Schools"), READ, "more")
    add_menu_entry(app, "loans.associations", "people", _l("Associations"), READ, "more")
    add_menu_entry(
        app,
        "loans.charter_settings",
        "file-earmark-text",
        _l("Charter text"),
        COORDINATION,
        "more",
    )
