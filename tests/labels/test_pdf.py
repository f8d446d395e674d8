"""The PDF itself: vector only, right page sizes and count, metadata, embedded fonts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from labels import LAYOUTS, Label, render_labels
from tests.labels.helpers import make_labels

A4_PT = (595.28, 841.89)


def read(pdf: bytes) -> PdfReader:
    """Parse PDF bytes."""
    return PdfReader(io.BytesIO(pdf))


def xobjects(page) -> dict:
    """The page's /XObject resources (images or forms), resolved."""
    resources = page.get("/Resources") or {}
    found = resources.get("/XObject")
    return dict(found.get_object()) if found is not None else {}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_pages_are_vector_only(name: str) -> None:
    reader = read(render_labels(make_labels(5), name))
    for page in reader.pages:
        assert xobjects(page) == {}
        assert not page.images


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_page_size_and_count(name: str) -> None:
    layout = LAYOUTS[name]
    count = layout.per_page + 1 if layout.is_sheet else 3
    reader = read(render_labels(make_labels(count), name))
    expected = A4_PT if layout.is_sheet else (
        layout.label_width_mm * 72 / 25.4, layout.label_height_mm * 72 / 25.4)  # fmt: skip
    assert len(reader.pages) == (2 if layout.is_sheet else 3)
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.01)


def test_roll_pages_are_landscape_label_size() -> None:
    reader = read(render_labels(make_labels(1), "brother-62x29"))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(62 * 72 / 25.4, abs=0.01)
    assert float(box.height) == pytest.approx(29 * 72 / 25.4, abs=0.01)


def test_metadata_title_and_author() -> None:
    default = read(render_labels(make_labels(1), "avery-l7163")).metadata
    assert default.title == "Labels — " + LAYOUTS["avery-l7163"].title
    assert default.author
    custom = read(render_labels(make_labels(1), title="Batch 12 — intake")).metadata
    assert custom.title == "Batch 12 — intake"


def test_fonts_are_embedded_truetype_and_text_is_extractable() -> None:
    label = Label("RT-000123", "https://reuse.example.org/d/RT-000123", ("Café · 45 €",))
    reader = read(render_labels([label], "avery-l7163"))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        descriptor = ref.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
    text = page.extract_text()
    assert "RT-000123" in text
    assert "Café · 45 €" in text


def test_output_is_deterministic() -> None:
    labels = make_labels(3)
    assert render_labels(labels, "avery-l7651") == render_labels(labels, "avery-l7651")


def test_long_caption_is_cut_with_an_ellipsis() -> None:
    caption = ("Portable · " + "Dell Latitude 5490 avec station d'accueil " * 3,)
    label = Label("RT-000001", "https://reuse.example.org/d/RT-000001", caption)
    text = read(render_labels([label], "avery-l7651")).pages[0].extract_text()
    assert "…" in text
    assert caption[0] not in text


def test_a_thousand_labels_fill_their_sheets() -> None:
    """A long run pages correctly (its speed is measured in benchmarks/labels_bench.py)."""
    pdf = render_labels(make_labels(1000, first=10_000), "avery-l7651")
    assert len(read(pdf).pages) == 16
