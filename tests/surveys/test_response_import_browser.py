"""In Chromium: a CS manager uploads a response file with a bad cell, reads the problem, fixes the file,
imports it, and the questionnaire page offers the YAML download."""

import pytest
from response_import_fixtures import HEADER, csv_file, good_rows, survey_world  # noqa: F401  (fixtures)

from cxm.surveys.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_a_cs_manager_fixes_a_refused_file_and_imports_it(page, live_server, sign_in, survey_world, csv_file,
                                                         tmp_path):
    base = live_server.url
    sign_in(survey_world.users.cs_manager.username, survey_world.password)
    page.goto(f"{base}/surveys/manage/responses/import/")
    assert page.locator("html").get_attribute("lang") == "ko"

    bad = [HEADER, *good_rows()]
    bad[2][5] = 7  # A11 of respondent r2, row 3
    page.locator('select[name="wave"]').select_option("W1")
    page.locator('input[name="file"]').set_input_files(str(csv_file(bad, name="bad.csv")))
    page.get_by_test_id("response-import-form").locator('button[type="submit"]').click()
    row = page.get_by_test_id("import-issue-table").locator("tbody tr")
    assert row.count() == 1
    assert [c.strip() for c in row.locator("td").all_inner_texts()[:3]] == ["3", "A11", "7"]
    assert Response.objects.count() == 0
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)

    page.locator('select[name="wave"]').select_option("W1")
    page.locator('input[name="file"]').set_input_files(str(csv_file([HEADER, *good_rows()], name="good.csv")))
    page.get_by_test_id("response-import-form").locator('button[type="submit"]').click()
    page.wait_for_url(f"{base}/surveys/manage/responses/import/")
    recent = page.get_by_test_id("response-import-table").locator("tbody tr")
    assert recent.count() == 1 and "good.csv" in recent.inner_text()
    assert Response.objects.filter(wave__code="W1").count() == 3
    # No horizontal scrolling on a narrow screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_questionnaire_page_shows_a_problems_line_and_downloads_a_version(page, live_server, sign_in, survey_world,
                                                                              tmp_path):
    base = live_server.url
    sign_in(survey_world.users.cs_manager.username, survey_world.password)
    page.goto(f"{base}/surveys/manage/")
    bad = tmp_path / "bad.yaml"
    bad.write_text("elements:\n  - code: A\n    items:\n      - {code: A11, scale: [5, 1]}\noverall: {code: OVR}\n",
                   encoding="utf-8")
    page.locator('input[name="code"]').fill("test-csi")
    page.locator('input[name="file"]').set_input_files(str(bad))
    page.get_by_test_id("questionnaire-upload-form").locator('button[type="submit"]').click()
    assert page.get_by_test_id("problem-line").inner_text() == "4"
    assert page.get_by_test_id("problem-path").inner_text() == "elements[0].items[0].scale"
    page.screenshot(path=str(tmp_path / "questionnaire.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("questionnaire-table").locator("a[download]").first.click()
    assert info.value.suggested_filename == "test-csi-v1.yaml"
