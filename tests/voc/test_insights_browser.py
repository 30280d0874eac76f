"""Chromium: the case metrics and text-mining pages draw their charts in Korean and English, the
text page fills itself through htmx, and a script payload in a case text stays inert."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KST = dt_timezone(timedelta(hours=9))
PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def seed_cases(world) -> None:
    from cxm.voc.demo_texts import compose
    from cxm.voc.models import Case, CaseCategory

    delivery = CaseCategory.objects.create(code="DELIVERY", name_ko="배송", name_en="Delivery")
    service = CaseCategory.objects.create(code="SERVICE", name_ko="서비스", name_en="Service")
    themes = np.array(["DELIVERY-LATE"] * 20 + ["SERVICE"] * 15, dtype=object)
    subjects, texts = compose(themes, np.random.default_rng(5))
    start = datetime(2025, 3, 1, 10, tzinfo=KST)
    Case.objects.bulk_create([
        Case(number=f"B{i:04d}", kind=Case.Kind.COMPLAINT, channel=Case.Channel.CALL_CENTRE, org_unit=world.x,
             category=delivery if themes[i] == "DELIVERY-LATE" else service, subject=subjects[i][:60],
             description=f"{texts[i]} {PAYLOAD}", opened_at=start + timedelta(days=i),
             due_at=start + timedelta(days=i, hours=24), resolved_at=start + timedelta(days=i, hours=5 + i),
             closed_at=start + timedelta(days=i, hours=5 + i), status=Case.Status.CLOSED,
             root_cause=("people", "procedure", "facilities")[i % 3], first_contact_resolution=i % 4 == 0)
        for i in range(len(themes))])



def test_metrics_and_text_pages_in_korean_and_english(page, live_server, sign_in, org_world):
    from django.core.cache import cache

    cache.clear()
    seed_cases(org_world)
    base = live_server.url
    sign_in(org_world.users.admin.username, org_world.password)

    # Korean (the default): the metrics page from the navigation, its charts drawn.
    page.locator('[data-nav="case_metrics"]').click()
    page.wait_for_url(f"{base}/cases/insights/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.wait_for_selector('[data-testid="pareto-category-chart"] .main-svg')
    assert page.locator('[data-testid="pareto-category-chart"] .bars path').count() == 2
    assert page.locator('[data-testid="resolution-chart"] .bars path').count() > 0
    assert page.locator('[data-kpi="fcr"] .kpi__value').inner_text().startswith("25.7")  # 9 of 35

    # The text page: a placeholder first, filled by htmx with keywords and topics.
    page.get_by_test_id("tab-text").click()
    page.wait_for_url(f"{base}/cases/insights/text/")
    page.wait_for_selector('[data-testid="topic-list"]', timeout=120_000)
    page.wait_for_selector('[data-testid="keyword-chart"] .main-svg')
    assert page.get_by_test_id("topic-label").count() >= 2
    example = page.get_by_test_id("topic-examples").first.locator("q").first.inner_text()
    assert "<script>window.pwned=1</script>" in example  # shown as text ...
    assert page.evaluate("window.pwned") is None  # ... never run
    assert page.locator('[data-testid="topic-examples"] img').count() == 0

    # English: same pages, English labels; the result comes from the cache at once.
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.locator("h1").inner_text() == "Text mining"
    assert page.get_by_test_id("text-summary").get_attribute("data-cached") == "yes"
    page.wait_for_selector('[data-testid="keyword-chart"] .main-svg')
    page.get_by_test_id("tab-metrics").click()
    page.wait_for_url(f"{base}/cases/insights/")
    assert page.locator("h1").inner_text() == "Case metrics"
    page.wait_for_selector('[data-testid="pareto-cause-chart"] .main-svg')
    assert page.locator('[data-testid="pareto-category-table"] td').first.inner_text().startswith("Delivery")
    assert page.evaluate("window.pwned") is None
