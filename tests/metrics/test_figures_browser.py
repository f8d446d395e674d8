"""The figures page in a real browser: no sideways scroll at 390 px, charts scaled, A4 print."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import NOW

pytestmark = pytest.mark.browser

PAGE = "/metrics?from=2026-09-01&to=2026-12-31"


def test_the_figures_fit_a_phone_and_print_on_a4(
    scenario, frozen_clock, signed_in_page, live_server
):
    frozen_clock(NOW)
    page = signed_in_page("viewer", width=390)
    page.goto(f"{live_server}{PAGE}")
    assert "5 / 660" in page.inner_text("[data-figure=families-equipped]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    for index in range(4):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.get_by_role("img", name="Families equipped over time, against the target").count()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
