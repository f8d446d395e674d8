"""End to end: render every layout, rasterise at 300 dpi, decode every symbol back."""

from __future__ import annotations

from pathlib import Path

import pytest

from labels import LAYOUTS, Label, Layout, render_labels
from tests.labels import helpers
from tests.labels.helpers import Decoded, decode, ink_outside, make_labels, rasterise

SHEETS = [name for name, layout in LAYOUTS.items() if layout.is_sheet]
ROLLS = [name for name, layout in LAYOUTS.items() if not layout.is_sheet]
INK_TOLERANCE_MM = 0.15  # anti-aliasing plus half a printer dot of grid snapping


def cell_box(layout: Layout, position: int, inset: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) mm from the page's top-left of a cell, shrunk by ``inset``."""
    x, y = layout.cell_origin(position)
    top = layout.page_height_mm - y - layout.label_height_mm
    return (x + inset, top + inset,
            x + layout.label_width_mm - inset, top + layout.label_height_mm - inset)  # fmt: skip


def pages_of(layout: Layout, labels: list[Label], start: int) -> list[list[tuple[int, Label]]]:
    """Expected (cell position, label) pairs, page by page."""
    pages: list[list[tuple[int, Label]]] = []
    for index, label in enumerate(labels):
        page, cell = divmod(start - 1 + index, layout.per_page)
        if page == len(pages):
            pages.append([])
        pages[page].append((cell + 1, label))
    return pages


def check_pdf(layout: Layout, labels: list[Label], start: int, folder: Path) -> None:
    """Every page decodes to exactly its labels, each symbol inside its own cell."""
    images = rasterise(render_labels(labels, layout.name, start=start), folder)
    expected_pages = pages_of(layout, labels, start)
    assert len(images) == len(expected_pages)
    for image, expected in zip(images, expected_pages, strict=True):
        found = decode(image)
        qr = [item for item in found if item.kind == "QRCode"]
        bars = [item for item in found if item.kind == "Code128"]
        assert sorted(item.text for item in qr) == sorted(label.url for _, label in expected)
        assert sorted(item.text for item in bars) == sorted(label.tag for _, label in expected)
        cells = {label.url: cell for cell, label in expected}
        cells.update({label.tag: cell for cell, label in expected})
        for item in found:
            assert_inside(item, cell_box(layout, cells[item.text], 0.0))
        inset = layout.padding_mm - INK_TOLERANCE_MM
        boxes = [cell_box(layout, cell, inset) for cell, _ in expected]
        assert not ink_outside(image, boxes), "ink outside the labels' padded areas"


def assert_inside(item: Decoded, box: tuple[float, float, float, float]) -> None:
    """The decoded symbol's centre lies in ``box``."""
    left, top, right, bottom = box
    assert left <= item.x_mm <= right and top <= item.y_mm <= bottom, (item, box)


@pytest.mark.parametrize("name", SHEETS)
def test_full_sheet_decodes(name: str, tmp_path: Path) -> None:
    layout = LAYOUTS[name]
    check_pdf(layout, make_labels(layout.per_page), 1, tmp_path)


@pytest.mark.parametrize("name", SHEETS)
def test_start_offset_spills_to_second_sheet(name: str, tmp_path: Path) -> None:
    layout = LAYOUTS[name]
    labels = make_labels(layout.per_page - 6 + 3, first=500)
    check_pdf(layout, labels, 7, tmp_path)


@pytest.mark.parametrize("name", ROLLS)
def test_roll_one_label_per_page(name: str, tmp_path: Path) -> None:
    check_pdf(LAYOUTS[name], make_labels(3, first=900), 1, tmp_path)


def test_start_puts_first_label_in_seventh_cell(tmp_path: Path) -> None:
    layout = LAYOUTS["avery-l7160"]
    label = make_labels(1, first=77)[0]
    found = decode(rasterise(render_labels([label], layout.name, start=7), tmp_path)[0])
    assert sorted(item.kind for item in found) == ["Code128", "QRCode"]
    for item in found:
        assert_inside(item, cell_box(layout, 7, 0.0))


def test_missing_pdftoppm_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helpers.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="poppler-utils"):
        helpers.require_pdftoppm()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="poppler-utils"):
        helpers.require_pdftoppm()
