"""Issued documents: PDF building blocks, numbering, storage and the public verification page.

The PDF building blocks of ``documents.pdf`` stay importable from here
(``from reuse_tracker.documents import GRID, paragraph``), as before the package existed; they
load reportlab on first use only, so that serving a page does not import the PDF stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import Blueprint, Flask

from reuse_tracker.documents.stamp import Stamp
from reuse_tracker.features import add_feature

#: The names of ``documents.pdf`` this package answers for, on first use.
PDF_NAMES = frozenset(
    {
        "BRAND",
        "FAMILY",
        "FONT_FILES",
        "GREY",
        "GRID",
        "LINE",
        "MARGIN",
        "PLAIN",
        "STYLES",
        "boxes",
        "document",
        "draw_qr",
        "draw_stamp",
        "fonts",
        "numbered_canvas",
        "paragraph",
        "paragraph_styles",
        "signature_box",
    }
)

__all__ = ["Stamp", "init_app", *sorted(PDF_NAMES)]

bp = Blueprint("documents", __name__)


def __getattr__(name: str) -> Any:
    """Import ``documents.pdf`` (and reportlab) when a building block is first asked for."""
    if name in PDF_NAMES:
        return getattr(import_module("reuse_tracker.documents.pdf"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def init_app(app: Flask) -> None:
    """Serve the public verification page of issued documents."""
    from reuse_tracker.documents import views

    add_feature(app, "documents", [views.__name__])
    app.register_blueprint(bp)
    app.jinja_env.globals["kind_title"] = views.kind_title
