"""Korean by default, English on request; numbers, money and dates in the chosen locale."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from cxm.web.charts import month_label
from cxm.web.formatting import format_money, format_number

pytestmark = pytest.mark.django_db


def test_login_page_is_korean_without_an_accept_language_header(client):
    html = client.get(reverse("web:login")).content.decode()
    assert '<html lang="ko">' in html and "로그인" in html and "Sign in" not in html


def test_login_page_is_korean_for_a_korean_browser(client):
    html = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").content.decode()
    assert "비밀번호" in html


def test_login_page_follows_an_english_browser(client):
    html = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html and "Sign in" in html and "로그인" not in html


def test_switching_language_changes_the_pages(client, shop):
    client.force_login(shop.users.branch_manager)
    korean = client.get(reverse("web:dashboard")).content.decode()
    assert "대시보드" in korean and "지점장" in korean and "강남점" in korean

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("web:customer_list")})
    assert response.status_code == 302 and response["Location"] == reverse("web:customer_list")
    english = client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="en">' in english
    for text in ("Dashboard", "Customers", "Transactions", "Revenue", "Branch manager", "Gangnam", "Log out"):
        assert text in english
    assert "대시보드" not in english

    client.post(reverse("set_language"), {"language": "ko"})
    assert "대시보드" in client.get(reverse("web:dashboard")).content.decode()


def test_choice_overrides_the_browser_language(client, shop):
    client.force_login(shop.users.agent)
    client.post(reverse("set_language"), {"language": "ko"})
    html = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "대시보드" in html


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_money_has_the_won_sign_and_thousands_separators(lang):
    with translation.override(lang):
        assert format_money(1_234_567) == "₩1,234,567"
        assert format_money(-5_000) == "-₩5,000"
        assert format_money(0) == "₩0"
        assert format_number(20_000) == "20,000"


def test_money_in_another_currency_is_written_with_its_code(settings):
    settings.CXM_CURRENCY = "CHF"
    assert format_money(1500) == "1,500 CHF"


def test_chart_months_are_written_in_the_active_language():
    with translation.override("ko"):
        assert month_label(date(2024, 3, 1)) == "2024년 3월"
    with translation.override("en"):
        assert month_label(date(2024, 3, 1)) == "Mar 2024"


def test_dates_in_tables_follow_the_locale(client, shop):
    client.force_login(shop.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "HQ", "period": "2024"})
    assert "2024-01-15" in client.get(reverse("web:transaction_list")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert "Jan 15, 2024" in client.get(reverse("web:transaction_list")).content.decode()
