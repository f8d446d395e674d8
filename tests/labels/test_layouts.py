"""Sheet and roll geometry, and where every part of a label is drawn."""

from __future__ import annotations

import itertools

import pytest

from labels import LAYOUTS, Layout
from labels.arrange import MIN_QR_MODULE_MM, MM_PER_PT, plan_label
from labels.fonts import ASCENT, BOLD, CAP_HEIGHT, DESCENT, register_fonts, width_pt
from labels.symbols import code128_symbol, qr_symbol

EPS = 1e-6
SHEETS = [layout for layout in LAYOUTS.values() if layout.is_sheet]
ROLLS = [layout for layout in LAYOUTS.values() if not layout.is_sheet]

# name: (columns, rows, width, height, left, top, pitch x, pitch y), from the makers' templates
PUBLISHED = {
    "avery-l7651": (5, 13, 38.1, 21.2, 4.7, 10.7, 40.6, 21.2),
    "avery-l7160": (3, 7, 63.5, 38.1, 7.2, 15.15, 66.0, 38.1),
    "avery-l7163": (2, 7, 99.1, 38.1, 4.65, 15.15, 101.6, 38.1),
}
ROLL_SIZES = {"brother-62x29": (62, 29), "brother-dk11201": (90, 29), "dymo-11354": (57, 32)}


def rect(layout: Layout, position: int) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) mm of a cell, PDF axes."""
    x, y = layout.cell_origin(position)
    return x, y, x + layout.label_width_mm, y + layout.label_height_mm


def test_the_six_layouts_exist() -> None:
    assert set(LAYOUTS) == {*PUBLISHED, *ROLL_SIZES}
    assert LAYOUTS["avery-l7160"].title == "Avery L7160 — 21 per A4 sheet (63.5 × 38.1 mm)"
    for name, layout in LAYOUTS.items():
        assert layout.name == name and layout.title


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_sheet_matches_published_template(name: str) -> None:
    layout = LAYOUTS[name]
    cols, rows, width, height, left, top, pitch_x, pitch_y = PUBLISHED[name]
    assert (layout.page_width_mm, layout.page_height_mm) == (210, 297)
    assert (layout.columns, layout.rows, layout.per_page) == (cols, rows, cols * rows)
    assert (layout.label_width_mm, layout.label_height_mm) == (width, height)
    assert layout.is_sheet
    x0, y0, _, y1 = rect(layout, 1)
    assert x0 == pytest.approx(left) and 297 - y1 == pytest.approx(top)
    assert rect(layout, 2)[0] - x0 == pytest.approx(pitch_x)
    assert y0 - rect(layout, cols + 1)[1] == pytest.approx(pitch_y)
    last = rect(layout, cols * rows)
    assert last[2] == pytest.approx(left + (cols - 1) * pitch_x + width)
    assert last[1] == pytest.approx(297 - top - rows * pitch_y + (pitch_y - height))


def test_l7651_right_edge_and_bottom_margin() -> None:
    last = rect(LAYOUTS["avery-l7651"], 65)
    assert last[2] == pytest.approx(4.7 + 4 * 40.6 + 38.1)  # 205.2 mm: 4.8 mm right margin
    assert last[1] == pytest.approx(10.7)


@pytest.mark.parametrize("layout", SHEETS, ids=lambda layout: layout.name)
def test_cells_inside_page_and_not_overlapping(layout: Layout) -> None:
    cells = [rect(layout, position) for position in range(1, layout.per_page + 1)]
    for x0, y0, x1, y1 in cells:
        assert 0 <= x0 < x1 <= layout.page_width_mm and 0 <= y0 < y1 <= layout.page_height_mm
    for a, b in itertools.combinations(cells, 2):
        assert a[2] <= b[0] + EPS or b[2] <= a[0] + EPS or a[3] <= b[1] + EPS or b[3] <= a[1] + EPS


@pytest.mark.parametrize("layout", ROLLS, ids=lambda layout: layout.name)
def test_roll_page_is_the_label(layout: Layout) -> None:
    width, height = ROLL_SIZES[layout.name]
    assert not layout.is_sheet and layout.per_page == 1
    assert (layout.page_width_mm, layout.page_height_mm) == (width, height)
    assert (layout.label_width_mm, layout.label_height_mm) == (width, height)
    assert rect(layout, 1) == (0, 0, width, height)
    assert layout.padding_mm >= 3.0


CASES = [
    (layout, captions, url)
    for layout in LAYOUTS.values()
    for captions in (0, 1, 2)
    for url in ("https://reuse.example.org/d/RT-000123", "https://r.example/RT-1")
]


@pytest.mark.parametrize(("layout", "captions", "url"), CASES, ids=str)
def test_plan_keeps_everything_inside_the_label(layout: Layout, captions: int, url: str) -> None:
    qr, bar = qr_symbol(url), code128_symbol("RT-000123")
    plan = plan_label(layout, qr.width, bar.width, captions)
    width, height, pad = layout.label_width_mm, layout.label_height_mm, layout.padding_mm
    qr_size = qr.width * plan.qr_module
    bar_length = bar.width * plan.bar_module
    # dark parts inside the padding
    assert pad - EPS <= plan.qr_x and plan.qr_x + qr_size <= width - pad + EPS
    assert pad - EPS <= plan.qr_y and plan.qr_y + qr_size <= height - pad + EPS
    assert plan.bar_x + bar_length <= width - pad + EPS
    assert pad - EPS <= plan.bar_y and plan.bar_y + plan.bar_height <= height - pad + EPS
    # quiet zones inside the label and clear of each other's dark modules
    assert plan.qr_x - 4 * plan.qr_module >= -EPS
    assert plan.qr_y - 4 * plan.qr_module >= -EPS
    assert plan.qr_y + qr_size + 4 * plan.qr_module <= height + EPS
    qr_quiet_end = plan.qr_x + qr_size + 4 * plan.qr_module
    assert plan.bar_x - 10 * plan.bar_module >= plan.qr_x + qr_size - EPS
    assert plan.bar_x >= qr_quiet_end - EPS
    assert plan.bar_x + bar_length + 10 * plan.bar_module <= width + EPS
    # text: tag above the bars, captions below them, all inside the padding
    tag_cap = layout.tag_pt * CAP_HEIGHT * MM_PER_PT
    assert plan.tag_baseline + tag_cap <= height - pad + EPS
    assert plan.tag_baseline >= plan.bar_y + plan.bar_height
    assert len(plan.caption_baselines) == captions
    caption = layout.caption_pt * MM_PER_PT
    for baseline in plan.caption_baselines:
        assert baseline + ASCENT * caption <= plan.bar_y + EPS
        assert baseline - DESCENT * caption >= pad - EPS
    assert plan.text_x == plan.bar_x and plan.text_x + plan.text_width <= width - pad + EPS


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_module_sizes_are_printable(layout: Layout) -> None:
    qr = qr_symbol("https://reuse.example.org/d/RT-000123")
    bar = code128_symbol("RT-000123")
    plan = plan_label(layout, qr.width, bar.width, 2)
    dot = 25.4 / layout.dpi
    assert qr.width <= 33  # QR version 3-4
    assert plan.qr_module >= MIN_QR_MODULE_MM
    assert plan.qr_module / dot == pytest.approx(round(plan.qr_module / dot))
    assert plan.bar_module >= layout.min_bar_module_mm - EPS
    if layout.name != "avery-l7651":
        assert plan.bar_module >= 0.25
        assert plan.bar_module / dot == pytest.approx(round(plan.bar_module / dot))
    if not layout.is_sheet:
        assert layout.dpi == 203 and plan.bar_module >= 2 * dot - EPS and plan.qr_module >= 3 * dot
    assert plan.bar_height >= 6.35 or layout.name == "avery-l7651"


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_typical_tag_prints_at_full_size(layout: Layout) -> None:
    register_fonts()
    qr = qr_symbol("https://reuse.example.org/d/RT-000123")
    plan = plan_label(layout, qr.width, code128_symbol("RT-000123").width, 2)
    assert width_pt("RT-000123", BOLD, layout.tag_pt) * MM_PER_PT <= plan.text_width
    assert layout.tag_pt >= 10
