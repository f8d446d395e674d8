"""The SVG charts: a title and a text alternative in each, labels escaped, no script."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reuse_tracker.metrics import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_carry_a_title_a_description_and_each_value():
    svg = charts.bars("Stock", [("prêt <ready>", 17), ("en prêt", 443)], unit=" u")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Stock"
    assert root.find(f"{SVG}desc").text == "prêt <ready>: 17 u; en prêt: 443 u"
    assert root.get("aria-labelledby").split() == [
        root.find(f"{SVG}title").get("id"),
        root.find(f"{SVG}desc").get("id"),
    ]
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] > widths[0] > 0
    assert "<script" not in svg


def test_the_progress_line_draws_the_target_and_the_last_value():
    svg = charts.progress_line("Équipées", [("2026-02", 155), ("2026-03", 299)], 660)
    root = ET.fromstring(svg)
    assert "target 660" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "660" in texts and "299" in texts and "2026-02" in texts


def test_an_empty_chart_is_still_valid():
    ET.fromstring(charts.bars("Rien", []))
    ET.fromstring(charts.progress_line("Rien", [], 0))
