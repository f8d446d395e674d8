"""The core: devices, their event log, the lifecycle table, the action service, device pages.

Imports no feature: features join it through ``init_app`` (their ActionSpecs, their parts of
the device answer).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, add_menu_entry
from reuse_tracker.i18n import lazy_gettext as _l

bp = Blueprint("devices", __name__)


def init_app(app: Flask) -> None:
    """Serve the device pages and labels; declare the core actions; add ``flask integrity``."""
    from reuse_tracker.devices import cli, printing, specs, views
    from reuse_tracker.policy import COORDINATION, READ

    add_feature(app, "devices", [views.__name__, printing.__name__])
    app.register_blueprint(bp)
    specs.register_actions(app)
    app.cli.add_command(cli.integrity)
    add_menu_entry(app, "devices.index", "laptop", _l("Devices"), READ)
    add_menu_entry(app, "devices.preprinted", "upc", _l("Pre-printed labels"), COORDINATION, "more")
