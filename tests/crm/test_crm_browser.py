"""Chromium: the scored customer list, the customer 360 page and the RFM grid, in Korean and in English.

Checks language-independent things (ids, numbers, the drawn Plotly heat map) and the page
language; the branch manager of X sees X's customers only, with their scores.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.mark.parametrize("language", ["ko", "en"])
def test_scored_customer_list_360_and_rfm_grid(page, live_server, sign_in, scored, language):
    from cxm.crm.models import CustomerScore

    base = live_server.url
    world = scored.world
    sign_in(world.users.branch_manager.username, world.password)
    if language == "en":
        page.get_by_test_id("lang-en").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    # The customer list: scores in columns, sorted by CLV, filtered by segment in place (htmx).
    page.locator('[data-nav="customers"]').click()
    page.wait_for_url(f"{base}/customers/")
    page.get_by_test_id("filter-order").select_option("-clv")
    page.wait_for_url("**order=-clv**")
    rows = page.locator("[data-customer]")
    numbers = rows.evaluate_all("els => els.map(e => e.dataset.customer)")
    assert numbers and all(n.startswith(("GX", "C-X")) for n in numbers)
    best = CustomerScore.objects.filter(customer__home_unit=world.x).order_by("-clv").first()
    assert numbers[0] == best.customer.customer_no
    segment = best.segment
    page.get_by_test_id("filter-segment").select_option(segment)
    page.wait_for_url(f"**segment={segment.replace(' ', '+')}**")
    shown = page.get_by_test_id("rfm-segment").evaluate_all("els => els.map(e => e.dataset.value)")
    assert shown and set(shown) == {segment}

    # The customer 360 page: scores, their history, the reserved churn / cross-sell slot.
    page.locator(f'tr[data-customer="{best.customer.customer_no}"] a').first.click()
    page.wait_for_url(f"{base}/customers/{best.customer.customer_no}/")
    assert page.get_by_test_id("customer-scores").is_visible()
    assert page.locator('[data-kpi="p_alive"] .kpi__value').inner_text() == f"{best.p_alive:.2f}"
    assert page.locator('[data-testid="score-history"] tr[data-as-of]').count() == 1
    assert page.get_by_test_id("crm-slot-churn-crosssell").is_visible()

    # The RFM grid: a drawn heat map and the table of counts of X's customers only.
    page.locator('[data-nav="crm"]').click()
    page.wait_for_url(f"{base}/crm/")
    page.wait_for_selector('[data-testid="rfm-chart"] .main-svg')
    assert page.locator('[data-testid="rfm-chart"] .heatmaplayer').count() == 1
    cells = page.locator("[data-cell]").all_inner_texts()
    assert sum(int(c.replace(",", "")) for c in cells) == CustomerScore.objects.filter(
        customer__home_unit=world.x).count()
    assert page.locator('[data-testid="segment-table"] tr[data-segment]').count() == 8
