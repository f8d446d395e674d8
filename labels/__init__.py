"""Printable asset labels: QR code, Code 128 and text, as vector PDF.

Plain values in, PDF bytes out; this package knows nothing of Flask or the
database::

    from labels import Label, render_labels
    pdf = render_labels([Label("RT-000123", "https://reuse.example.org/d/RT-000123",
                               ("Portable · Dell Latitude 5490",))], "avery-l7160")
"""

from labels.layouts import LAYOUTS, LabelLayoutError, Layout
from labels.model import Label
from labels.render import render_labels

__all__ = ["LAYOUTS", "Label", "LabelLayoutError", "Layout", "render_labels"]
