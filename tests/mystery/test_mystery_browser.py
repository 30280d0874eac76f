"""Chromium: a CS manager enters a mystery-shopping visit and sees the branch score move, in
Korean and in English (the numbers are the hand case of ``conftest.py``)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def test_cs_manager_enters_a_visit_and_sees_the_branch_score_in_korean_and_english(page, live_server, mystery_world):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.locator('input[name="username"]').fill(mystery_world.users.cs_manager.username)
    page.locator('input[name="password"]').fill(mystery_world.password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "ko"

    # Results before: B01 = (100 + 16.67) / 2 = 58.3 in 2026-Q1; the heat map is drawn.
    page.locator('[data-nav="mystery"]').click()
    page.wait_for_url(f"{base}/mystery/")
    assert page.locator('tr[data-branch="B01"] [data-testid="branch-score"]').inner_text() == "58.3"
    assert page.locator('tr[data-branch="B02"]').count() == 0  # outside the manager's region
    page.wait_for_selector('[data-testid="heatmap-chart"] .main-svg')

    # Enter a visit: every item passes (G1 yes, G2 5, C1 yes) -> 100.
    page.get_by_test_id("visit-new").click()
    page.wait_for_url(f"{base}/mystery/visits/new/")
    page.locator('select[name="branch"]').select_option(str(mystery_world.world.x.pk))
    page.locator('input[name="visited_on"]').fill("2026-03-15")
    page.locator('input[name="shopper_name"]').fill("정다은")
    for name, value in (("item_G1", "1"), ("item_G2", "5"), ("item_C1", "1")):
        page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
    page.locator('textarea[name="notes"]').fill(f"친절함 {PAYLOAD}")
    with page.expect_navigation():
        page.get_by_test_id("visit-submit").click()
    assert page.get_by_test_id("visit-score").inner_text() == "100.0"
    assert page.get_by_test_id("visit-notes").inner_text() == f"친절함 {PAYLOAD}"
    assert page.evaluate("window.pwned") is None and page.locator('img[src="x"]').count() == 0

    # The branch page: 2026-Q1 is now (100 + 16.67 + 100) / 3 = 72.2.
    page.get_by_test_id("visit-branch").click()
    page.wait_for_url(f"{base}/mystery/branches/B01/")
    assert page.locator('[data-kpi="score"] .kpi__value').inner_text() == "72.2"
    assert page.get_by_test_id("branch-name").inner_text() == "강남점"
    page.wait_for_selector('[data-testid="trend-chart"] .main-svg')

    # In English: the same score, English labels and names.
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.get_by_test_id("branch-name").inner_text() == "Gangnam"
    assert page.locator('[data-kpi="score"] .kpi__label').inner_text() == "Mystery shopping score"
    assert page.locator('[data-kpi="score"] .kpi__value').inner_text() == "72.2"
    page.locator('[data-nav="mystery"]').click()
    page.wait_for_url(f"{base}/mystery/")
    assert page.locator("h1").inner_text() == "Mystery shopping"
    assert page.locator('tr[data-branch="B01"] [data-testid="branch-score"]').inner_text() == "72.2"
