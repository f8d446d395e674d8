"""Issued documents: PDF building blocks, numbering, storage and the public verification page.

The PDF building blocks of ``documents.pdf`` stay importable from here
(``from reuse_tracker.documents import GRID, paragraph``), as before the package existed.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from reuse_tracker.documents.pdf import (
    BRAND,
    FAMILY,
    FONT_FILES,
    GREY,
    GRID,
    LINE,
    MARGIN,
    PLAIN,
    STYLES,
    Stamp,
    boxes,
    document,
    draw_qr,
    draw_stamp,
    fonts,
    numbered_canvas,
    paragraph,
    paragraph_styles,
    signature_box,
)
from reuse_tracker.features import add_feature

__all__ = [
    "BRAND",
    "FAMILY",
    "FONT_FILES",
    "GREY",
    "GRID",
    "LINE",
    "MARGIN",
    "PLAIN",
    "STYLES",
    "Stamp",
    "boxes",
    "document",
    "draw_qr",
    "draw_stamp",
    "fonts",
    "init_app",
    "numbered_canvas",
    "paragraph",
    "paragraph_styles",
    "signature_box",
]

bp = Blueprint("documents", __name__)


def init_app(app: Flask) -> None:
    """Serve the public verification page of issued documents."""
    from reuse_tracker.documents import views

    add_feature(app, "documents", [views.__name__])
    app.register_blueprint(bp)
    app.jinja_env.globals["kind_title"] = views.kind_title
