"""Where things go on one label: module sizes and boxes in mm (label-local, y up).

Every layout uses the same arrangement: the QR code on the left, vertically
centred; to its right a column with the tag in bold on top, the Code 128 in
the middle and the caption lines at the bottom, all left-aligned on the first
bar.  Dark modules stay inside the padding; quiet zones (QR 4 modules, Code
128 10 modules) stay inside the label and may overlap the blank padding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from labels.fonts import ASCENT, CAP_HEIGHT, DESCENT
from labels.layouts import LabelLayoutError, Layout
from labels.model import MAX_CAPTION_LINES
from labels.symbols import CODE128_QUIET_MODULES as BAR_QUIET
from labels.symbols import QR_QUIET_MODULES as QR_QUIET

MM_PER_PT = 25.4 / 72
MIN_QR_MODULE_MM = 0.375
MIN_BAR_HEIGHT_MM = 4.0
MAX_BAR_HEIGHT_MM = 15.0
GAP_EM = 0.35  # minimum gap around the barcode, in tag capital heights
LINE_PITCH = 1.2  # caption line spacing, in em


@dataclass(frozen=True)
class Plan:
    """Resolved geometry of one label for given symbol sizes and caption count."""

    qr_x: float
    qr_y: float
    qr_module: float
    bar_x: float
    bar_y: float
    bar_module: float
    bar_height: float
    text_x: float
    text_width: float
    tag_baseline: float
    caption_baselines: tuple[float, ...]


@lru_cache(maxsize=256)
def plan_label(layout: Layout, qr_modules: int, bar_modules: int, captions: int) -> Plan:
    """Fit a QR of ``qr_modules`` and a Code 128 of ``bar_modules`` on ``layout``."""
    qr_module = _qr_module(layout, qr_modules)
    qr_x = max(layout.padding_mm, QR_QUIET * qr_module)
    qr_size = qr_modules * qr_module
    bar_module = _bar_module(layout, qr_x + qr_size, qr_module, bar_modules)
    bar_x = qr_x + qr_size + max(QR_QUIET * qr_module, BAR_QUIET * bar_module)
    qr_y = (layout.label_height_mm - qr_size) / 2
    bar_length = bar_modules * bar_module
    # The column is sized for the most caption lines, so tags line up whatever the captions.
    top, bottom = _column_span(layout, qr_y, qr_size, bar_length, MAX_CAPTION_LINES)
    tag_baseline, bar_y, bar_height, baselines = _stack(layout, top, bottom, bar_length, captions)
    text_width = layout.label_width_mm - layout.padding_mm - bar_x
    return Plan(
        qr_x, qr_y, qr_module, bar_x, bar_y, bar_module, bar_height,
        bar_x, text_width, tag_baseline, baselines,
    )  # fmt: skip


def _stack(
    layout: Layout, top: float, bottom: float, bar_length: float, captions: int
) -> tuple[float, float, float, tuple[float, ...]]:
    """Tag baseline, bar bottom and height, caption baselines within the column.

    The bar's top edge sits where it would with the most caption lines, so the
    tag-to-bar distance is the same on every label; the bar grows downwards
    into the room that missing caption lines leave (up to its maximum height).
    """
    tag_bottom = top - layout.tag_pt * CAP_HEIGHT * MM_PER_PT
    min_gap = GAP_EM * (top - tag_bottom)
    full = tag_bottom - bottom - _captions_height(layout, MAX_CAPTION_LINES)
    gap = max(min_gap, (full - _bar_height(bar_length)) / 2)
    bar_top = tag_bottom - gap
    floor = bottom + _captions_height(layout, captions) + (gap if captions else 0.0)
    bar_height = min(MAX_BAR_HEIGHT_MM, bar_top - floor)
    if bar_height < MIN_BAR_HEIGHT_MM:
        raise LabelLayoutError(f"No room for a barcode this tall on {layout.name}.")
    size = layout.caption_pt * MM_PER_PT
    baselines = tuple(
        bottom + DESCENT * size + (captions - 1 - i) * LINE_PITCH * size for i in range(captions)
    )
    return tag_bottom, bar_top - bar_height, bar_height, baselines


def _dot(layout: Layout) -> float:
    """Printer dot size in mm."""
    return 25.4 / layout.dpi


def _qr_module(layout: Layout, modules: int) -> float:
    """Largest whole-dot QR module (at most the preferred one) that fits the height."""
    dot, height = _dot(layout), layout.label_height_mm
    for dots in range(round(layout.qr_module_mm / dot), 0, -1):
        size = dots * dot
        if size < MIN_QR_MODULE_MM:
            break
        margin = max(layout.padding_mm, QR_QUIET * size)
        if modules * size <= height - 2 * margin:
            return size
    raise LabelLayoutError(f"The QR code ({modules} modules) is too large for {layout.name}.")


def _bar_module(layout: Layout, start: float, qr_module: float, modules: int) -> float:
    """Largest Code 128 X-dimension (whole dots when possible) that fits right of the QR."""
    gap_qr = QR_QUIET * qr_module
    width = layout.label_width_mm
    # bar_x = start + max(gap_qr, 10X); dark end <= width - padding; quiet end <= width
    limit = min(
        (width - layout.padding_mm - start) / (modules + BAR_QUIET),
        (width - start) / (modules + 2 * BAR_QUIET),
        (width - layout.padding_mm - start - gap_qr) / modules,
        (width - start - gap_qr) / (modules + BAR_QUIET),
    )
    dot = _dot(layout)
    dots = min(round(layout.bar_module_mm / dot), math.floor(limit / dot + 1e-9))
    if dots * dot >= layout.min_bar_module_mm:
        return dots * dot
    if limit >= layout.min_bar_module_mm:
        return min(limit, max(layout.bar_module_mm, layout.min_bar_module_mm))
    raise LabelLayoutError(
        f"The Code 128 ({modules} modules) is too long for {layout.name}; use a shorter tag."
    )


def _bar_height(bar_length: float) -> float:
    """Preferred bar height: 35 % of the symbol length, within 6.35 mm and the maximum."""
    return min(MAX_BAR_HEIGHT_MM, max(6.35, 0.35 * bar_length))


def _captions_height(layout: Layout, captions: int) -> float:
    """Height of the caption block, from the top of its ascenders to the last descender."""
    if not captions:
        return 0.0
    size = layout.caption_pt * MM_PER_PT
    return size * (ASCENT + DESCENT + (captions - 1) * LINE_PITCH)


def _column_span(
    layout: Layout, qr_y: float, qr_size: float, bar_length: float, captions: int
) -> tuple[float, float]:
    """Top and bottom of the text column: the QR's height, grown to what the content needs."""
    tag_cap = layout.tag_pt * CAP_HEIGHT * MM_PER_PT
    needed = (
        tag_cap * (1 + 2 * GAP_EM) + _bar_height(bar_length) + _captions_height(layout, captions)
    )
    top, bottom = qr_y + qr_size, qr_y
    grow = max(0.0, needed - qr_size)
    ceiling, floor = layout.label_height_mm - layout.padding_mm, layout.padding_mm
    up = min(grow / 2, ceiling - top)
    down = min(grow - up, bottom - floor)
    up = min(grow - down, ceiling - top)
    return top + up, bottom - down
