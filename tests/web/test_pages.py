"""The web shell through Django's test client: sign-in, CSRF, navigation per role, scope, pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from cxm.customers.models import Customer, Transaction
from cxm.web.scope import SESSION_PERIOD, SESSION_UNIT

pytestmark = pytest.mark.django_db

PAGES = ["web:dashboard", "web:customer_list", "web:transaction_list"]


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def kpi(html: str, key: str) -> str:
    m = re.search(rf'data-kpi="{key}".*?class="kpi__value[^"]*">([^<]*)<', html, re.S)
    assert m, f"no KPI {key}"
    return m.group(1).strip()


def option_values(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', block)


class FormCollector(HTMLParser):
    """Collects every <form> with its method and the names of its inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"),
                               "inputs": set()})
        elif tag in {"input", "select", "button"} and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"].add(attrs["name"])


# --- sign-in, sign-out ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES + ["web:customer_detail"])
def test_pages_redirect_anonymous_visitors_to_login(client, shop, name):
    url = reverse(name, args=["C001"]) if name == "web:customer_detail" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={url}"


def test_login_form_signs_in_and_goes_to_dashboard(client, shop):
    response = client.post(reverse("web:login"), {"username": "web_agent", "password": shop.password})
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_login_with_a_wrong_password_shows_a_translated_error(client, shop):
    response = client.post(reverse("web:login"), {"username": "web_agent", "password": "wrong-password-123"})
    html = html_of(response)
    assert "사용자 이름 또는 비밀번호가 올바르지 않습니다" in html
    assert "_auth_user_id" not in client.session


def test_logout_refuses_get(client_for, shop):
    client = client_for(shop.users.agent)
    assert client.get(reverse("web:logout")).status_code == 405
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_logout_by_post_ends_the_session(client_for, shop):
    client = client_for(shop.users.agent)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert client.get(reverse("web:dashboard")).status_code == 302


# --- CSRF --------------------------------------------------------------------------------------


def test_login_post_without_csrf_token_is_rejected(shop):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "web_agent", "password": shop.password})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_post_with_csrf_token_is_accepted(shop):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("web:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("web:login"), {"username": "web_agent", "password": shop.password,
                                                  "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["web:logout", "web:set_scope", "set_language"])
def test_signed_in_posts_without_csrf_token_are_rejected(shop, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(shop.users.branch_manager)
    response = client.post(reverse(name), {"unit": "B01", "period": "2024", "language": "en"})
    assert response.status_code == 403
    assert client.get(reverse("web:dashboard")).status_code == 200  # still signed in
    assert SESSION_UNIT not in client.session


def test_every_post_form_on_every_page_carries_a_csrf_token(client_for, shop):
    client = client_for(shop.users.admin)
    urls = [reverse(n) for n in PAGES] + [reverse("web:customer_detail", args=["C001"])]
    seen = 0
    for url in urls:
        collector = FormCollector()
        collector.feed(html_of(client.get(url)))
        for form in collector.forms:
            if form["method"] == "post":
                seen += 1
                assert "csrfmiddlewaretoken" in form["inputs"], (url, form["action"])
    assert seen >= 3 * len(urls)  # scope picker, language switch, logout on each page
    client.logout()
    collector = FormCollector()
    collector.feed(html_of(client.get(reverse("web:login"))))
    assert all("csrfmiddlewaretoken" in f["inputs"] for f in collector.forms if f["method"] == "post")


# --- navigation per role -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "cs_manager", "analyst", "agent", "branch_manager"])
def test_every_role_sees_the_sections_that_exist(client_for, shop, role):
    html = html_of(client_for(getattr(shop.users, role)).get(reverse("web:dashboard")))
    nav = re.findall(r'data-nav="([^"]+)"', html)
    manages = role in ("admin", "cs_manager")
    expected = (["dashboard", "customers", "transactions", "crm", "csi", "models", "mystery"]
                + (["questionnaires"] if manages else []) + ["cases", "case_metrics", "text_mining"]
                + (["import"] if manages else []) + (["admin"] if role == "admin" else []))
    assert nav == expected


def test_only_the_administrator_gets_the_administration_link(client_for, shop):
    admin_html = html_of(client_for(shop.users.admin).get(reverse("web:dashboard")))
    assert f'href="{reverse("admin:index")}"' in admin_html
    cs_html = html_of(client_for(shop.users.cs_manager).get(reverse("web:dashboard")))
    assert reverse("admin:index") not in cs_html


def test_current_section_is_marked_for_assistive_technology(client_for, shop):
    html = html_of(client_for(shop.users.agent).get(reverse("web:customer_list")))
    assert re.search(r'aria-current="page" data-nav="customers"', html)
    assert html.count('aria-current="page"') == 1


def test_user_name_and_role_are_shown(client_for, shop):
    html = html_of(client_for(shop.users.branch_manager).get(reverse("web:dashboard")))
    assert "Test branch_manager" in html and "지점장" in html


def test_analyst_sees_masked_customer_names(client_for, shop):
    html = html_of(client_for(shop.users.analyst).get(reverse("web:customer_list")))
    assert "김*지" in html and "김민지" not in html
    assert 'data-testid="masked-note"' in html


def test_analyst_cannot_reveal_a_masked_customer_by_searching_the_name(client_for, shop):
    client = client_for(shop.users.analyst)
    assert "C001" not in html_of(client.get(reverse("web:customer_list"), {"q": "김민지"}))
    assert "C001" in html_of(client.get(reverse("web:customer_list"), {"q": "C001"}))


def test_analyst_sees_no_contact_details_on_the_customer_page(client_for, shop):
    html = html_of(client_for(shop.users.analyst).get(reverse("web:customer_detail", args=["C001"])))
    assert "c001@example.com" not in html and "김민지" not in html


def test_branch_manager_picker_offers_only_their_branch(client_for, shop):
    html = html_of(client_for(shop.users.branch_manager).get(reverse("web:dashboard")))
    assert option_values(html, "scope-unit") == ["B01"]


def test_admin_picker_lists_units_in_tree_order(client_for, shop):
    html = html_of(client_for(shop.users.admin).get(reverse("web:dashboard")))
    assert option_values(html, "scope-unit") == ["HQ", "R1", "B01", "B02"]


def test_period_picker_offers_all_time_then_years_quarters_months(client_for, shop):
    html = html_of(client_for(shop.users.agent).get(reverse("web:dashboard")))
    values = option_values(html, "scope-period")
    assert values[:3] == ["", "2024", "2024-Q4"]
    assert values[-1] == "2024-01" and len(values) == 1 + 1 + 4 + 12


def test_branch_manager_sees_only_their_customers(client_for, shop):
    html = html_of(client_for(shop.users.branch_manager).get(reverse("web:customer_list")))
    assert "C001" in html and "C002" in html and "C101" not in html and "박지훈" not in html


def test_customer_of_another_branch_is_not_found_for_a_branch_manager(client_for, shop):
    client = client_for(shop.users.branch_manager)
    assert client.get(reverse("web:customer_detail", args=["C001"])).status_code == 200
    assert client.get(reverse("web:customer_detail", args=["C101"])).status_code == 404
    assert client.get(reverse("web:customer_detail", args=["NOPE"])).status_code == 404


# --- the unit and period picker ------------------------------------------------------------------


def test_set_scope_stores_a_visible_unit_and_a_period(client_for, shop):
    client = client_for(shop.users.cs_manager)
    response = client.post(reverse("web:set_scope"), {"unit": "B02", "period": "2024-Q1"})
    assert response.status_code == 302
    assert client.session[SESSION_UNIT] == "B02" and client.session[SESSION_PERIOD] == "2024-Q1"


def test_set_scope_ignores_a_unit_the_user_may_not_see(client_for, shop):
    client = client_for(shop.users.branch_manager)
    client.post(reverse("web:set_scope"), {"unit": "B02", "period": "2024"})
    assert client.session.get(SESSION_UNIT) != "B02"
    html = html_of(client.get(reverse("web:dashboard")))
    assert kpi(html, "revenue") == "₩60,000"  # B01's 2024, not B02's or the company's
    assert "홍대점" not in html


def test_set_scope_ignores_an_unknown_period(client_for, shop):
    client = client_for(shop.users.agent)
    client.post(reverse("web:set_scope"), {"period": "1999"})
    assert SESSION_PERIOD not in client.session


def test_set_scope_refuses_get(client_for, shop):
    assert client_for(shop.users.agent).get(reverse("web:set_scope")).status_code == 405


def test_set_scope_does_not_redirect_to_another_site(client_for, shop):
    client = client_for(shop.users.agent)
    response = client.post(reverse("web:set_scope"), {"period": "2024", "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:dashboard")
    response = client.post(reverse("web:set_scope"), {"period": "2024", "next": "/customers/?q=C"})
    assert response["Location"] == "/customers/?q=C"


# --- dashboard numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "period", "revenue", "transactions", "customers", "aov"),
    [
        ("HQ", "2024", "₩115,000", "5", "3", "₩23,000"),
        ("B01", "2024", "₩60,000", "3", "2", "₩20,000"),
        ("B01", "2024-02", "₩50,000", "2", "2", "₩25,000"),
        ("B02", "2024-Q1", "₩55,000", "2", "1", "₩27,500"),
        ("HQ", "", "₩214,000", "6", "3", "₩35,667"),
    ],
)
def test_dashboard_kpis_for_the_picked_unit_and_period(client_for, shop, unit, period, revenue, transactions,
                                                        customers, aov):
    client = client_for(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": unit, "period": period})
    html = html_of(client.get(reverse("web:dashboard")))
    assert (kpi(html, "revenue"), kpi(html, "transactions"), kpi(html, "active_customers"),
            kpi(html, "average_order_value")) == (revenue, transactions, customers, aov)


def test_dashboard_defaults_to_the_latest_year(client_for, shop):
    html = html_of(client_for(shop.users.admin).get(reverse("web:dashboard")))
    assert kpi(html, "revenue") == "₩115,000"


def test_dashboard_embeds_the_chart_with_one_choice_per_branch(client_for, shop):
    client = client_for(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "HQ", "period": "2024"})
    response = client.get(reverse("web:dashboard"))
    figure = response.context["figure"]
    labels = [b["label"] for b in figure["layout"]["updatemenus"][0]["buttons"]]
    assert labels == ["전체 지점", "강남점", "홍대점"]
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert bars[0]["y"][:3] == [10_000, 50_000, 55_000] and sum(bars[0]["y"]) == 115_000
    assert 'id="revenue-figure" type="application/json"' in html_of(response)
    assert "vendor/plotly/plotly.min.js" in html_of(response)


def test_dashboard_shows_an_empty_state_without_data(client_for, shop):
    client = client_for(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "HQ", "period": "2024-12"})
    html = html_of(client.get(reverse("web:dashboard")))
    assert kpi(html, "revenue") == "₩0"
    assert 'data-testid="empty-state"' in html
    assert "거래가 없습니다" in html


def test_dashboard_without_any_transaction_has_no_chart(client_for, shop):
    Transaction.objects.all().delete()
    html = html_of(client_for(shop.users.admin).get(reverse("web:dashboard")))
    assert 'data-testid="chart-empty"' in html and "plotly.min.js" not in html


# --- lists ---------------------------------------------------------------------------------------


def test_customer_search_by_number_and_name(client_for, shop):
    client = client_for(shop.users.cs_manager)
    html = html_of(client.get(reverse("web:customer_list"), {"q": "이서"}))
    assert "C002" in html and "C001" not in html
    html = html_of(client.get(reverse("web:customer_list"), {"q": "C10"}))
    assert "C101" in html and "C002" not in html


def test_customer_list_follows_the_unit_picker(client_for, shop):
    client = client_for(shop.users.cs_manager)
    client.post(reverse("web:set_scope"), {"unit": "B02"})
    html = html_of(client.get(reverse("web:customer_list")))
    assert "C101" in html and "C001" not in html


def test_customer_list_is_paginated(client_for, shop):
    from datetime import date

    Customer.objects.bulk_create(
        Customer(customer_no=f"X{i:03d}", name=f"고객{i}", home_unit=shop.b02, joined_on=date(2024, 1, 1))
        for i in range(30)
    )
    client = client_for(shop.users.admin)
    first = html_of(client.get(reverse("web:customer_list")))
    assert "33명" in first and first.count("data-customer=") == 25
    second = html_of(client.get(reverse("web:customer_list"), {"page": 2}))
    assert second.count("data-customer=") == 8


def test_customer_list_answers_htmx_with_the_results_fragment_only(client_for, shop):
    client = client_for(shop.users.admin)
    response = client.get(reverse("web:customer_list"), {"q": "C00"}, HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert html.lstrip().startswith('<div id="customer-results"') and "<header" not in html
    assert "HX-Request" in response["Vary"]


def test_customer_detail_shows_profile_consents_and_recent_transactions(client_for, shop):
    html = html_of(client_for(shop.users.branch_manager).get(reverse("web:customer_detail", args=["C001"])))
    assert "김민지" in html and "c001@example.com" in html
    consents = re.search(r'data-testid="consents".*?</ul>', html, re.S).group(0)
    assert consents.count("badge--yes") == 1 and consents.count("badge--no") == 2
    assert re.findall(r'<td class="mono">(T\d)</td>', html) == ["T2", "T1", "T0"]
    assert "₩129,000" in html  # lifetime revenue of C001


def test_transaction_list_starts_from_the_picked_period(client_for, shop):
    client = client_for(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "HQ", "period": "2024"})
    html = html_of(client.get(reverse("web:transaction_list")))
    assert 'value="2024-01-01"' in html and 'value="2024-12-31"' in html
    assert ">T1<" in html and ">T0<" not in html


def test_transaction_list_filters_by_dates_and_channel(client_for, shop):
    client = client_for(shop.users.admin)
    html = html_of(client.get(reverse("web:transaction_list"),
                              {"date_from": "2024-01-01", "date_to": "2024-02-29", "channel": "STORE"}))
    rows = re.findall(r'<td class="mono">(T\d)</td>', html)
    assert rows == ["T3", "T1"]
    assert "₩40,000" in html


def test_transaction_list_reports_a_reversed_date_range(client_for, shop):
    html = html_of(client_for(shop.users.admin).get(
        reverse("web:transaction_list"), {"date_from": "2024-03-01", "date_to": "2024-01-01"}))
    assert 'data-testid="filter-errors"' in html and "<td class=\"mono\">T" not in html


def test_transaction_list_is_scoped_for_a_branch_manager(client_for, shop):
    html = html_of(client_for(shop.users.branch_manager).get(reverse("web:transaction_list"), {"date_from": ""}))
    rows = set(re.findall(r'<td class="mono">(T\d)</td>', html))
    assert rows == {"T0", "T1", "T2", "T3"}


def test_transaction_list_shows_only_the_number_of_a_customer_homed_in_another_branch(client_for, shop):
    # C101 is homed in B02 but buys at B01: B01's manager sees the sale, not who made it.
    from datetime import date

    Transaction.objects.create(txn_no="T6", customer=shop.c101, branch=shop.b01, channel=shop.store,
                               occurred_on=date(2024, 4, 1), amount=7_000, cost=4_000)
    client = client_for(shop.users.branch_manager)
    html = html_of(client.get(reverse("web:transaction_list"), {"date_from": ""}))
    row = re.search(r'<td class="mono">T6</td>.*?</tr>', html, re.S).group(0)
    assert "C101" in row
    assert "박지훈" not in html and "박*훈" not in html
    assert reverse("web:customer_detail", args=["C101"]) not in html
    assert client.get(reverse("web:customer_detail", args=["C101"])).status_code == 404


def test_transaction_list_masks_customer_names_for_analysts(client_for, shop):
    html = html_of(client_for(shop.users.analyst).get(reverse("web:transaction_list")))
    assert "박*훈" in html and "박지훈" not in html


# --- escaping ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_customer_free_text_is_escaped_everywhere(client_for, shop):
    from datetime import date

    Customer.objects.create(customer_no="C666", name=SCRIPT, segment=SCRIPT, home_unit=shop.b01,
                            joined_on=date(2024, 1, 1), attributes={SCRIPT: SCRIPT})
    client = client_for(shop.users.branch_manager)
    for url in (reverse("web:customer_list"), reverse("web:customer_detail", args=["C666"])):
        html = html_of(client.get(url))
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unit_names_in_the_chart_data_are_escaped(client_for, shop):
    shop.b02.name_ko = SCRIPT
    shop.b02.save()
    client = client_for(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "HQ", "period": "2024"})
    html = html_of(client.get(reverse("web:dashboard")))
    assert SCRIPT not in html
    assert "\\u003Cscript\\u003E" in html  # inside json_script


def test_a_section_stays_current_on_its_sub_pages():
    from cxm.web.context_processors import _current_section

    assert _current_section("mystery:visit") == "mystery:results"
    assert _current_section("pathmodels:compare") == "pathmodels:fit"
    assert _current_section("voc:detail") == "voc:inbox"
    assert _current_section("voc_insights:text") == "voc_insights:text"  # its own section, not the metrics'
    assert _current_section("web:customer_detail") == "web:customer_list"
    assert _current_section("survey_manage:response_import") == "web:import_file"
    assert _current_section("web:login") is None


def test_only_the_current_section_is_marked_in_the_menu(client_for, shop):
    html = html_of(client_for(shop.users.cs_manager).get(reverse("voc_insights:text")))
    current = re.findall(r'aria-current="page" data-nav="([^"]+)"', html)
    assert current == ["text_mining"]
