"""Chromium: a CS manager fits the default index model on a wave, in Korean and in English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/cxm-pathmodels.png"



def fit_default(page):
    page.get_by_test_id("fit-submit").click()
    page.wait_for_selector('[data-testid="path-diagram"]')
    diagram = page.get_by_test_id("path-diagram")
    assert diagram.is_visible()
    assert page.locator('[data-testid="path-diagram"] g.pm-node').count() == 7
    assert page.locator('[data-testid="path-diagram"] g.pm-edge').count() == 6
    indices = [float(v) for v in page.get_by_test_id("index-value").all_inner_texts()]
    assert len(indices) == 7 and all(0 < v < 100 for v in indices)
    assert page.get_by_test_id("model-error").count() == 0


def test_the_default_model_is_fitted_and_drawn_in_korean_and_english(page, live_server, sign_in, pm_waves):
    world = pm_waves.world
    sign_in(world.users.cs_manager.username, world.password)
    page.locator('[data-nav="models"]').click()
    page.wait_for_url(f"{live_server.url}/models/")
    assert page.locator("html").get_attribute("lang") == "ko"
    # The Korean page starts from the questionnaire's Korean element names.
    assert page.locator("#id_c-0-name").input_value() == "상품"
    fit_default(page)
    assert page.locator('[data-testid="path-diagram"] [data-construct="배송"]').count() == 1
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_test_id("lang-en").click()
    page.wait_for_selector('html[lang="en"]')
    page.goto(f"{live_server.url}/models/")
    assert page.locator("h1").inner_text() == "Index models"
    assert page.locator("#id_c-2-name").input_value() == "Delivery"
    fit_default(page)
    assert page.locator('[data-testid="path-diagram"] [data-construct="Delivery"]').count() == 1
    assert page.locator('#pm-index-title').inner_text() == "Indices (0-100)"


def test_comparing_two_waves_in_the_browser(page, live_server, sign_in, pm_waves):
    world = pm_waves.world
    sign_in(world.users.analyst.username, world.password)
    page.goto(f"{live_server.url}/models/compare/")
    assert page.locator("#id_wave").input_value() == "PM-W1" and page.locator("#id_wave_b").input_value() == "PM-W2"
    page.get_by_test_id("fit-submit").click()
    page.wait_for_selector('[data-testid="compare-index-table"]')
    assert page.get_by_test_id("path-diagram").count() == 2
    assert page.locator('[data-testid="compare-index-table"] [data-mark="changed"]').count() >= 1
    page.screenshot(path="/tmp/cxm-pathmodels-compare.png", full_page=True)
