"""In Chromium: a customer answers through the public link and a CS manager sees the CSI dashboard move;
the dashboard in Korean and in English; the drill-down shows the customer's comment as text."""

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from cxm.surveys.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _kpi(page, key):
    return page.locator(f'[data-kpi="{key}"] .kpi__value').inner_text()


def test_a_public_answer_moves_the_cs_managers_dashboard(page, live_server, open_survey):
    cache.clear()
    world = open_survey.world
    rng = np.random.default_rng(5)
    codes = [i.code for i in open_survey.questionnaire.parsed().items]
    def answers(mood):
        return {c: int(v) for c, v in zip(codes, np.clip(np.rint(4 + mood + rng.normal(0, .5, len(codes))), 1, 5))}

    Response.objects.bulk_create([Response(wave=open_survey.wave, org_unit=unit, submitted_at=timezone.now(),
                                           answers=answers(mood))
                                  for unit in (world.x, world.z) for mood in rng.normal(0, .6, 40)])
    base = live_server.url

    # The CS manager of region R1 (branches X and Z) signs in and opens the dashboard, in Korean.
    page.goto(f"{base}/login/")
    page.get_by_label("사용자 이름").fill(world.users.cs_manager.username)
    page.get_by_label("비밀번호").fill(world.password)
    page.get_by_label("비밀번호").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/surveys/csi/?wave=W-NOW&by=branch")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == "고객만족도 (CSI)"
    n_before, csi_before = int(_kpi(page, "n")), float(_kpi(page, "csi"))
    branch_n_before = int(page.locator('tr[data-group="B01"] [data-testid="group-n"]').inner_text())
    assert n_before == 80 and branch_n_before == 40
    assert page.locator('[data-testid="portfolio-chart"] .main-svg').first.is_visible()

    # A customer answers through branch X's public link: the lowest box everywhere and a comment.
    customer = page.context.browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    phone = customer.new_page()
    phone.goto(f"{base}/s/link-x-token/")
    for code in codes:
        phone.locator(f'[data-item="{code}"] label').first.click()
    phone.locator('textarea[name="comment_C"]').fill("배송이 <b>늦어요</b>")
    phone.get_by_test_id("survey-submit").click()
    phone.wait_for_url(f"{base}/s/link-x-token/thanks/")
    customer.close()

    # The dashboard moves: one more answer, a lower CSI, branch X's count up by one.
    page.reload()
    assert int(_kpi(page, "n")) == n_before + 1
    assert float(_kpi(page, "csi")) < csi_before
    assert int(page.locator('tr[data-group="B01"] [data-testid="group-n"]').inner_text()) == branch_n_before + 1

    # The drill-down to delivery shows its items and the comment as plain text.
    page.locator('tr[data-element="C"] [data-testid="element-link"]').click()
    page.wait_for_url(f"{base}/surveys/csi/W-NOW/C/")
    assert page.locator("tr[data-item]").count() == 3
    assert page.get_by_test_id("comment-text").first.inner_text() == "배송이 <b>늦어요</b>"
    assert page.locator('[data-testid="comments"] b').count() == 0

    # In English: the same dashboard, the breakdown picker switches to regions.
    page.goto(f"{base}/surveys/csi/?wave=W-NOW")
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.locator("h1").inner_text() == "Satisfaction (CSI)"
    assert page.locator('[data-kpi="n"] .kpi__label').inner_text() == "Answers"
    assert int(_kpi(page, "n")) == n_before + 1
    page.locator("#by").select_option("region")
    page.wait_for_url("**by=region**")
    assert page.locator("tr[data-group]").evaluate_all("rows => rows.map(r => r.dataset.group)") == ["R1"]
    assert page.locator('#by option[value="region"]').inner_text() == "Region"
