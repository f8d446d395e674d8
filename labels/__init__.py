"""Printable asset labels: QR code, Code 128 and text, as vector PDF.

Plain values in, PDF bytes out; this package knows nothing of Flask or the
database::

    from labels import Label, render_labels
    pdf = render_labels([Label("RT-000123", "https://reuse.example.org/d/RT-000123",
                               ("Portable · Dell Latitude 5490",))], "avery-l7160")

``render_labels`` imports reportlab, qrcode and python-barcode on first use: the layouts and
the ``Label`` value can be read without the PDF stack.
"""

from __future__ import annotations

from typing import Any

from labels.layouts import LAYOUTS, LabelLayoutError, Layout
from labels.model import Label

__all__ = ["LAYOUTS", "Label", "LabelLayoutError", "Layout", "render_labels"]


def __getattr__(name: str) -> Any:
    """Import the renderer (and the PDF stack) when ``render_labels`` is first asked for."""
    if name == "render_labels":
        from labels.render import render_labels

        return render_labels
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
