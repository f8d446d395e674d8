"""Draw labels into a vector PDF with reportlab (no bitmaps)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels.arrange import MM_PER_PT, Plan, plan_label
from labels.fonts import BOLD, REGULAR, ellipsize, printable, register_fonts, width_pt
from labels.layouts import Layout, check_start, get_layout
from labels.model import Label
from labels.symbols import code128_symbol, qr_symbol

AUTHOR = "Reuse Tracker"
MIN_TAG_PT = 5.0


def render_labels(
    labels: Sequence[Label],
    layout: str = "avery-l7160",
    start: int = 1,
    title: str | None = None,
) -> bytes:
    """Return a PDF with one label per cell (sheets) or per page (rolls)."""
    spec = get_layout(layout)
    check_start(spec, start)
    labels = list(labels)
    if not labels:
        raise ValueError("No labels to render: pass at least one Label.")
    register_fonts()
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, spec, title)
    for index, label in enumerate(labels):
        cell = (start - 1 + index) % spec.per_page
        if index and not cell:
            canvas.showPage()
        x, y = spec.cell_origin(cell + 1)
        draw_label(canvas, spec, label, x, y)
    canvas.showPage()
    with flate_only():
        canvas.save()
    return buffer.getvalue()


@contextmanager
def flate_only() -> Iterator[None]:
    """Compress streams with Flate only while saving (ASCII85 is slow pure Python).

    reportlab reads this global switch when it writes the streams; a PDF
    written with or without ASCII85 is equally valid, so another thread
    saving meanwhile is unaffected apart from its encoding.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _new_canvas(buffer: io.BytesIO, spec: Layout, title: str | None) -> Canvas:
    """A canvas with the layout's page size and the document metadata set."""
    size = (spec.page_width_mm * mm, spec.page_height_mm * mm)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1, invariant=1, initialFontName=REGULAR)
    canvas.setTitle(title or f"Labels — {spec.title}")
    canvas.setAuthor(AUTHOR)
    canvas.setSubject(spec.title)
    canvas.setCreator("labels (reportlab)")
    return canvas


def draw_label(canvas: Canvas, spec: Layout, label: Label, x: float, y: float) -> None:
    """Draw one label whose bottom-left corner is at (x, y) mm on the page."""
    qr, bar = qr_symbol(label.url), code128_symbol(label.tag)
    plan = plan_label(spec, qr.width, bar.width, len(label.caption))
    qr_x, qr_top = _snap(spec, x + plan.qr_x, y + plan.qr_y + qr.height * plan.qr_module)
    bar_x, bar_top = _snap(spec, x + plan.bar_x, y + plan.bar_y + plan.bar_height)
    canvas.addLiteral(
        f"q {_matrix(plan.qr_module, plan.qr_module, qr_x, qr_top)} cm {qr.path} f Q\n"
        f"q {_matrix(plan.bar_module, plan.bar_height, bar_x, bar_top)} cm {bar.path} f Q"
    )
    _draw_text(canvas, spec, label, plan, x, y)


def _draw_text(canvas: Canvas, spec: Layout, label: Label, plan: Plan, x: float, y: float) -> None:
    """Draw the tag in bold and the caption lines, cut to the column width."""
    width = plan.text_width / MM_PER_PT
    text = canvas.beginText()
    tag = printable(label.tag, BOLD)
    size = min(spec.tag_pt, max(MIN_TAG_PT, width / max(width_pt(tag, BOLD, 1), 1e-6)))
    text.setFont(BOLD, size)
    text.setTextOrigin((x + plan.text_x) * mm, (y + plan.tag_baseline) * mm)
    text.textOut(ellipsize(tag, BOLD, size, width))
    text.setFont(REGULAR, spec.caption_pt)
    for line, baseline in zip(label.caption, plan.caption_baselines, strict=True):
        text.setTextOrigin((x + plan.text_x) * mm, (y + baseline) * mm)
        text.textOut(ellipsize(printable(line), REGULAR, spec.caption_pt, width))
    canvas.drawText(text)


def _snap(spec: Layout, x_mm: float, top_mm: float) -> tuple[float, float]:
    """Move a symbol's top-left corner onto the printer dot grid (from the page's top-left)."""
    dot = 25.4 / spec.dpi
    x = round(x_mm / dot) * dot
    down = round((spec.page_height_mm - top_mm) / dot) * dot
    return x, spec.page_height_mm - down


def _matrix(module: float, row_height: float, left: float, top: float) -> str:
    """PDF 'cm' operands mapping module units (rows downwards) to a symbol at (left, top) mm."""
    return fp_str(module * mm, 0, 0, -row_height * mm, left * mm, top * mm)
