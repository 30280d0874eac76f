"""Chromium: the churn risk tab (calibration chart with its diagonal, drivers, risk distribution, the
riskiest customers of the own branch) and the customer 360 page's "bought next" offers, in Korean
and in English. Checks language-independent things (ids, numbers, drawn Plotly traces, html lang).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.mark.parametrize("language", ["ko", "en"])
def test_churn_tab_and_customer_recommendations(page, live_server, sign_in, scored, language):
    from cxm.crm import selectors
    from cxm.crm.models import CustomerScore
    from cxm.customers.models import Customer

    base = live_server.url
    world = scored.world
    user = world.users.branch_manager
    sign_in(user.username, world.password)
    if language == "en":
        page.get_by_test_id("lang-en").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    # The churn tab: KPIs, the calibration chart (two traces: the diagonal and the deciles), tables.
    page.goto(f"{base}/crm/")
    page.locator('[data-tab="churn"]').click()
    page.wait_for_url(f"{base}/crm/churn/**")
    page.wait_for_selector('[data-testid="calibration-chart"] .main-svg')
    assert page.locator('[data-testid="calibration-chart"] .scatterlayer .trace').count() == 2
    page.wait_for_selector('[data-testid="drivers-chart"] .main-svg')
    page.wait_for_selector('[data-testid="risk-chart"] .main-svg')
    auc = scored.run.churn["validation"]["auc"]
    assert page.locator('[data-kpi="auc"] .kpi__value').inner_text() == f"{auc:.3f}"
    assert page.locator('[data-testid="calibration-table"] tr[data-bin]').count() == 10
    rows = page.locator('[data-testid="highest-risk"] tr[data-customer]').evaluate_all(
        "els => els.map(e => e.dataset.customer)")
    assert rows and all(r.startswith(("GX", "C-X")) for r in rows)
    top = CustomerScore.objects.filter(run=scored.run, customer__home_unit=world.x).order_by(
        "-churn_probability", "customer_id").first()
    assert rows[0] == top.customer.customer_no

    # The cross-sell tab lists rules.
    page.locator('[data-tab="crosssell"]').click()
    page.wait_for_url(f"{base}/crm/cross-sell/**")
    assert page.locator('[data-testid="rules-table"] tr[data-rule]').count() > 0

    # The customer 360 page: churn risk and the products similar customers bought next.
    customer = next(c for c in Customer.objects.filter(home_unit=world.x, customer_no__startswith="GX").order_by("id")
                    if selectors.customer_recommendations(user=user, customer=c, run=scored.run))
    expected = selectors.customer_recommendations(user=user, customer=customer, run=scored.run)
    owned = set(selectors.owned_products(user=user, customer=customer))
    page.goto(f"{base}/customers/{customer.customer_no}/")
    shown = page.locator('[data-testid="recommendations"] tr[data-product]').evaluate_all(
        "els => els.map(e => e.dataset.product)")
    assert shown == [r["product"].sku for r in expected] and not set(shown) & owned
    score = CustomerScore.objects.get(run=scored.run, customer=customer)
    assert page.locator('[data-kpi="churn"] .kpi__value').inner_text() == f"{score.churn_probability:.2f}"
