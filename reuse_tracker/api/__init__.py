"""The JSON API: its blueprint, token check, error shape and OpenAPI document.

Features nest their own API blueprints under this one (``features.add_api_blueprint``);
this feature comes last in ``FEATURES`` so that it mounts them all.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.features import add_feature, registry

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Mount the API with the features' nested blueprints; no CSRF (bearer tokens)."""
    from reuse_tracker.api import auth, views
    from reuse_tracker.extensions import csrf

    add_feature(app, "api", [views.__name__])
    if not bp._got_registered_once:
        bp.before_request(auth.authenticate)
        bp.after_request(auth.finish)
    nested = {child.name for child, _options in bp._blueprints}
    for child in registry(app).api_blueprints.values():
        if child.name not in nested:  # blueprints are module objects: nest them once
            bp.register_blueprint(child)
    app.register_blueprint(bp)
    csrf.exempt(bp)
    # Nested blueprints have names of their own (api.loans): each is exempt too.
    for child in registry(app).api_blueprints.values():
        csrf.exempt(child)
