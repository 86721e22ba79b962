"""Issue 15, item 4: the province charts are "readable at 360 px and printed". In Chromium at
phone width every chart (the rate bars per commune and the weekly trend) lies inside the
viewport with its own accessible label; printed (print media), the charts are still drawn and
the page prints on paper."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import wait_until
from tests.e2e.officer_flow import officer_log_in


def charts(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("""() => [...document.querySelectorAll('svg[aria-label]')]
        .map((s) => { const r = s.getBoundingClientRect();
          return { label: s.getAttribute('aria-label'), left: r.left, right: r.right,
                   width: r.width, height: r.height }; })""")


def test_province_charts_fit_a_phone_and_print(server: LiveServer, context: Any) -> None:
    page = context.new_page()
    officer_log_in(page, server, "tinh")
    page.get_by_text("Tiêu chí Quyết định 766/QĐ-TTg").wait_for(timeout=30_000)
    wait_until(page, lambda: len(charts(page)) >= 4, "the rate bars and the weekly trend")
    for chart in charts(page):
        assert chart["left"] >= 0 and chart["right"] <= 360, chart
        assert chart["width"] >= 200 and chart["height"] > 0, chart  # drawn, not squeezed
        assert chart["label"].strip(), chart
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.emulate_media(media="print")
    printed = charts(page)
    assert len(printed) >= 4
    assert all(c["width"] > 0 and c["height"] > 0 for c in printed), printed
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
