"""A customer fills in the survey on a phone-sized Chromium and the answer lands for the branch."""

import pytest

from cxm.surveys.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_fills_in_the_survey_on_a_phone(page, live_server, open_survey):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/s/link-x-token/")
    assert page.get_by_role("heading", name="한결마트 고객만족도 조사").is_visible()
    choices = {"A11": "4", "A12": "5", "B11": "2", "C11": "1", "C12": "2", "OVR": "3", "RET": "2", "REC": "4"}
    for code, value in choices.items():
        page.locator(f'[data-item="{code}"] label', has_text=value).first.click()
    page.locator('textarea[name="comment_C"]').fill("배송이 너무 늦어요 <b>빨리</b>")
    page.get_by_test_id("survey-submit").click()
    page.wait_for_url(f"{live_server.url}/s/link-x-token/thanks/")
    assert page.get_by_test_id("survey-thanks").is_visible()
    [stored] = Response.objects.all()
    assert stored.org_unit.code == "B01"
    assert stored.answers == {code: int(v) for code, v in choices.items()}
    assert stored.comments == {"C": "배송이 너무 늦어요 <b>빨리</b>"}
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_answer_through_the_public_link_moves_the_csi_page(page, live_server, open_survey):
    import numpy as np
    from django.utils import timezone

    world = open_survey.world
    rng = np.random.default_rng(3)
    codes = [i.code for i in open_survey.questionnaire.parsed().items]
    Response.objects.bulk_create([
        Response(wave=open_survey.wave, org_unit=world.x, submitted_at=timezone.now(),
                 answers={c: int(v) for c, v in zip(codes, np.clip(np.rint(4 + mood + rng.normal(0, .5, len(codes))), 1, 5))})
        for mood in rng.normal(0, .6, 40)
    ])
    admin = world.users.admin
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("사용자 이름").fill(admin.username)
    page.get_by_label("비밀번호").fill(world.password)
    page.get_by_label("비밀번호").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/surveys/csi/?wave=W-NOW")
    before = float(page.locator('[data-kpi="csi"] .kpi__value').inner_text())

    page.goto(f"{live_server.url}/s/link-x-token/")
    for code in codes:  # the unhappiest customer: the lowest box everywhere
        page.locator(f'[data-item="{code}"] label').first.click()
    page.get_by_test_id("survey-submit").click()
    page.wait_for_url(f"{live_server.url}/s/link-x-token/thanks/")

    page.goto(f"{live_server.url}/surveys/csi/?wave=W-NOW")
    after = float(page.locator('[data-kpi="csi"] .kpi__value').inner_text())
    assert after < before
    assert page.locator('[data-testid="portfolio-chart"] .main-svg').first.is_visible()
