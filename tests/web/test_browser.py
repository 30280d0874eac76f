"""Headless Chromium signs in through the real login form as each role and checks what it sees."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/cxm-dashboard.png"

# What each role of the fixture shop sees (see conftest): nav, unit picker, customer names.
_READ = ["dashboard", "customers", "transactions", "crm", "csi", "models", "mystery"]
_VOC = ["cases", "case_metrics", "text_mining"]
EXPECTED = {
    "admin": (_READ + ["questionnaires"] + _VOC + ["import", "admin"], ["HQ", "R1", "B01", "B02"],
              ["김민지", "이서준", "박지훈"]),
    "cs_manager": (_READ + ["questionnaires"] + _VOC + ["import"], ["R1", "B01", "B02"], ["김민지", "이서준", "박지훈"]),
    "analyst": (_READ + _VOC, ["HQ", "R1", "B01", "B02"], ["김*지", "이*준", "박*훈"]),
    "agent": (_READ + _VOC, ["B01"], ["김민지", "이서준"]),
    "branch_manager": (_READ + _VOC, ["B01"], ["김민지", "이서준"]),
}
ROLE_LABELS_EN = {"admin": "Administrator", "cs_manager": "CS manager", "analyst": "Analyst", "agent": "Agent",
                  "branch_manager": "Branch manager"}



def values(locator, attribute: str) -> list[str]:
    return locator.evaluate_all(f"els => els.map(e => e.getAttribute('{attribute}'))")


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_signs_in_and_sees_what_its_role_allows(page, live_server, sign_in, live_shop, role):
    nav, units, names = EXPECTED[role]
    base = live_server.url
    page.goto(f"{base}/login/")  # the form's fields carry their labels (screen readers, Korean first)
    assert page.get_by_label("사용자 이름").count() == 1 and page.get_by_label("비밀번호").count() == 1
    sign_in(f"web_{role}", live_shop.password)

    # The shell: navigation for the role, only visible units in the picker, Korean by default.
    assert page.locator("html").get_attribute("lang") == "ko"
    assert values(page.locator("[data-nav]"), "data-nav") == nav
    assert values(page.locator("#scope-unit option"), "value") == units
    assert page.get_by_test_id("user-role").inner_text() != ""

    # The Plotly chart is drawn from the locally served bundle.
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(".js-plotly-plot .bars path").count() > 0

    # Customers: visible, masked for the analyst, the other branch's missing for the branch.
    page.locator('[data-nav="customers"]').click()
    page.wait_for_url(f"{base}/customers/")
    assert page.get_by_test_id("customer-name").all_inner_texts() == names
    assert (page.get_by_test_id("masked-note").count() == 1) == (role == "analyst")
    if role in {"agent", "branch_manager"}:
        response = page.goto(f"{base}/customers/C101/")
        assert response.status == 404
        assert "박지훈" not in page.content()
        page.go_back()

    # Switch to English: labels change, the choice sticks across pages.
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.locator('[data-nav="customers"]').inner_text() == "Customers"
    assert page.get_by_test_id("user-role").inner_text() == ROLE_LABELS_EN[role]
    page.locator('[data-nav="dashboard"]').click()
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator('[data-kpi="revenue"] .kpi__label').inner_text() == "Revenue"

    # Sign out (a POST form), and the pages are closed again.
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r".*/login/$"))
    page.goto(f"{base}/customers/")
    assert "/login/" in page.url


def test_picking_a_unit_updates_the_dashboard(page, live_server, sign_in, live_shop):
    base = live_server.url
    sign_in("web_admin", live_shop.password)
    assert page.locator('[data-kpi="revenue"] .kpi__value').inner_text() == "₩115,000"
    # No Apply click: the picker submits itself on change.
    with page.expect_navigation():
        page.get_by_label("조직 단위").select_option("B02")
    assert page.locator('[data-kpi="revenue"] .kpi__value').inner_text() == "₩55,000"
    with page.expect_navigation():
        page.get_by_label("기간").select_option("2024-02")
    assert page.locator('[data-kpi="revenue"] .kpi__value').inner_text() == "₩0"
    assert page.get_by_test_id("empty-state").is_visible()


def test_customer_search_updates_the_results_in_place(page, live_server, sign_in, live_shop):
    base = live_server.url
    sign_in("web_cs_manager", live_shop.password)
    page.goto(f"{base}/customers/")
    page.get_by_label("검색").fill("이서")
    page.wait_for_function("document.querySelectorAll('[data-testid=customer-name]').length === 1")
    assert page.get_by_test_id("customer-name").all_inner_texts() == ["이서준"]
    assert "q=" in page.url  # htmx pushed the search into the address bar


def test_chart_dropdown_switches_to_a_branch(page, live_server, sign_in, live_shop):
    sign_in("web_admin", live_shop.password)
    page.wait_for_selector(".js-plotly-plot .main-svg")
    page.locator(".updatemenu-header-group").click()
    page.locator(".updatemenu-dropdown-button", has_text="홍대점").click()
    visible = page.evaluate(
        "() => document.querySelector('.js-plotly-plot').data"
        ".filter(t => t.visible === true).map(t => [t.type, t.meta])"
    )
    assert visible == [["bar", "홍대점"], ["scatter", "홍대점"]]


def test_dashboard_loads_nothing_from_outside_and_looks_right(page, live_server, sign_in, live_shop):
    """Every request stays on our server (no CDN); a screenshot is kept for a human look."""
    base = live_server.url
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in("web_admin", live_shop.password)
    page.wait_for_selector(".js-plotly-plot .main-svg")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SCREENSHOT, full_page=True)
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == []
    assert any(u.endswith("/static/vendor/plotly/plotly.min.js") for u in requests)


def test_cs_manager_uploads_a_file_sees_each_bad_cell_then_imports_the_fixed_file(page, live_server, sign_in,
                                                                                   live_shop):
    from cxm.customers.models import Customer

    base = live_server.url
    sign_in("web_cs_manager", live_shop.password)
    page.locator('[data-nav="import"]').click()
    bad = "customer_no,name,joined_on,home_unit\nC900,<b>굵게</b>,2025-13-01,B01\n".encode("cp949")
    page.get_by_label("파일 (CSV 또는 XLSX)").set_input_files(
        files=[{"name": "고객.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_test_id("import-form").get_by_role("button", name="가져오기").click()
    table = page.get_by_test_id("import-issue-table")
    assert "2025-13-01" in table.inner_text() and "joined_on" in table.inner_text()
    assert page.locator("b", has_text="굵게").count() == 0  # customer text stays inert
    assert not Customer.objects.filter(customer_no="C900").exists()

    good = "customer_no,name,joined_on,home_unit\nC900,정하늘,2025-03-01,B01\n".encode("cp949")
    page.get_by_label("파일 (CSV 또는 XLSX)").set_input_files(
        files=[{"name": "고객.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_test_id("import-form").get_by_role("button", name="가져오기").click()
    page.wait_for_url(f"{base}/import/")
    assert "고객.csv" in page.locator(".messages").inner_text()
    assert Customer.objects.get(customer_no="C900").name == "정하늘"
