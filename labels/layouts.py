"""Declarative label stock descriptions: A4 sheets and thermal rolls (all sizes in mm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

A4_MM = (210.0, 297.0)
LASER_DPI = 600
THERMAL_DPI = 203


class LabelLayoutError(ValueError):
    """A layout name, start position or label content that the stock cannot take."""


@dataclass(frozen=True)
class Layout:
    """One label stock: page and label geometry plus preferred symbol and text sizes.

    Cells are numbered 1..per_page left to right, then top to bottom.  Module
    sizes are preferences: the renderer snaps them to whole printer dots at
    ``dpi`` and shrinks them (never below the minimums) when a symbol would not
    fit.  ``corner_radius_mm`` is informational only; nothing is drawn on it.
    """

    name: str
    title: str
    page_width_mm: float
    page_height_mm: float
    label_width_mm: float
    label_height_mm: float
    is_sheet: bool
    columns: int = 1
    rows: int = 1
    left_mm: float = 0.0
    top_mm: float = 0.0
    pitch_x_mm: float = 0.0
    pitch_y_mm: float = 0.0
    corner_radius_mm: float = 0.0
    padding_mm: float = 1.5
    dpi: int = LASER_DPI
    qr_module_mm: float = 0.5
    bar_module_mm: float = 0.25
    min_bar_module_mm: float = 0.25
    tag_pt: float = 12.0
    caption_pt: float = 7.0

    @property
    def per_page(self) -> int:
        """Number of labels on one page."""
        return self.columns * self.rows

    def cell_origin(self, position: int) -> tuple[float, float]:
        """Bottom-left corner (mm, PDF axes: y up) of the 1-based cell ``position``."""
        row, column = divmod(position - 1, self.columns)
        x = self.left_mm + column * self.pitch_x_mm
        top = self.top_mm + row * self.pitch_y_mm
        return x, self.page_height_mm - top - self.label_height_mm


def _sheet(
    name: str, product: str, grid: tuple[int, int], size: tuple[float, float], **kwargs: Any
) -> Layout:
    """An A4 sheet of ``grid`` (columns, rows) labels of ``size`` (width, height)."""
    (columns, rows), (width, height) = grid, size
    title = f"{product} — {columns * rows} per A4 sheet ({width:g} × {height:g} mm)"
    return Layout(
        name=name,
        title=title,
        page_width_mm=A4_MM[0],
        page_height_mm=A4_MM[1],
        label_width_mm=width,
        label_height_mm=height,
        is_sheet=True,
        columns=columns,
        rows=rows,
        **kwargs,
    )


def _roll(name: str, title: str, size: tuple[float, float], **kwargs: Any) -> Layout:
    """A roll label printed as one page of its own size (landscape: width > height)."""
    width, height = size
    return Layout(
        name=name,
        title=title,
        page_width_mm=width,
        page_height_mm=height,
        label_width_mm=width,
        label_height_mm=height,
        is_sheet=False,
        padding_mm=3.0,
        dpi=THERMAL_DPI,
        **kwargs,
    )


# fmt: off
# Sheet geometry from the makers' published templates; corner radii are approximate.
_ALL = (
    _sheet(
        "avery-l7651", "Avery L7651", (5, 13), (38.1, 21.2),
        left_mm=4.7, top_mm=10.7, pitch_x_mm=40.6, pitch_y_mm=21.2, corner_radius_mm=1.8,
        qr_module_mm=0.381, bar_module_mm=0.19, min_bar_module_mm=0.19,
        tag_pt=10, caption_pt=5.5,
    ),
    _sheet(
        "avery-l7160", "Avery L7160", (3, 7), (63.5, 38.1),
        left_mm=7.2, top_mm=15.15, pitch_x_mm=66.0, pitch_y_mm=38.1, corner_radius_mm=1.8,
        padding_mm=2.0, qr_module_mm=0.847, bar_module_mm=0.254, tag_pt=14, caption_pt=7,
    ),
    _sheet(
        "avery-l7163", "Avery L7163", (2, 7), (99.1, 38.1),
        left_mm=4.65, top_mm=15.15, pitch_x_mm=101.6, pitch_y_mm=38.1, corner_radius_mm=1.8,
        padding_mm=2.0, qr_module_mm=1.016, bar_module_mm=0.466, tag_pt=20, caption_pt=9,
    ),
    _roll(
        "brother-62x29", "Brother QL 62 mm continuous roll, cut at 29 mm (62 × 29 mm)",
        (62.0, 29.0), qr_module_mm=0.75, bar_module_mm=0.25, tag_pt=13, caption_pt=6.5,
    ),
    _roll(
        "brother-dk11201", "Brother DK-11201 die-cut roll (90 × 29 mm)",
        (90.0, 29.0), qr_module_mm=0.75, bar_module_mm=0.375, tag_pt=16, caption_pt=7.5,
    ),
    _roll(
        "dymo-11354", "Dymo 11354 roll (57 × 32 mm)",
        (57.0, 32.0), qr_module_mm=0.625, bar_module_mm=0.25, tag_pt=12, caption_pt=6.5,
    ),
)

# fmt: on

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in _ALL}


def get_layout(name: str) -> Layout:
    """Return the layout called ``name`` or raise LabelLayoutError listing the known ones."""
    try:
        return LAYOUTS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(LAYOUTS))
        raise LabelLayoutError(f"Unknown label layout {name!r}; known layouts: {known}.") from None


def check_start(layout: Layout, start: int) -> None:
    """Raise LabelLayoutError unless ``start`` is a valid first position on ``layout``."""
    if isinstance(start, bool) or not isinstance(start, int):
        raise LabelLayoutError(f"Start position must be a whole number, not {start!r}.")
    if not layout.is_sheet and start != 1:
        raise LabelLayoutError(
            f"Start position {start} is not possible on {layout.name}: roll layouts print"
            " one label per page, so start must be 1."
        )
    if not 1 <= start <= layout.per_page:
        raise LabelLayoutError(
            f"Start position {start} is out of range for {layout.name}:"
            f" choose 1 to {layout.per_page} (labels per sheet)."
        )
