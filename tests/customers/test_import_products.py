"""Importing products: prices and costs are non-negative whole won; SKUs are new and unique."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cxm.customers.importing import products_import
from cxm.customers.models import Product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["sku", "name_ko", "name_en", "category", "unit_price", "unit_cost"]


def test_products_with_thousands_separators_are_created(shop, csv_file):
    path = csv_file([HEADER, ["P100", "녹차", "Green tea", "음료", "12,000", "4,500"],
                     ["P101", "쿠키", "", "", "1500", "0"]])
    result = products_import(file=path, user=shop.users.cs_manager)
    assert result.created == {"products": 2}
    tea = Product.objects.get(sku="P100")
    assert (tea.name_ko, tea.name_en, tea.category, tea.unit_price, tea.unit_cost) == ("녹차", "Green tea", "음료",
                                                                                         12000, 4500)
    assert Product.objects.get(sku="P101").name_en == ""
    assert LogEntry.objects.filter(content_type__model="product", actor=shop.users.cs_manager).count() == 2


def test_korean_product_sheet_imports_by_usual_headers(shop, xlsx_file):
    path = xlsx_file({"상품": [["상품코드", "상품명", "단가", "원가"], ["P110", "라떼", 5500, 1800.0]]})
    products_import(file=path, user=shop.users.admin)
    assert Product.objects.get(sku="P110").unit_cost == 1800


@pytest.mark.parametrize(("column", "value", "code", "reason"), [
    ("unit_price", "-100", "too_small", "at least 0"),
    ("unit_price", "1,00", "not_integer", "whole number"),
    ("unit_cost", "abc", "not_integer", "whole number"),
    ("unit_cost", "12.5", "not_integer", "whole number"),
    ("unit_price", "99999999999999999999", "too_large", "at most"),
    ("unit_price", "", "required", "required"),
])
def test_bad_money_is_reported(shop, csv_file, refused, only_issue, column, value, code, reason):
    row = {"sku": "P120", "name_ko": "물", "name_en": "", "category": "", "unit_price": "100", "unit_cost": "50"}
    row[column] = value
    path = csv_file([HEADER, ["P119", "빵", "", "", "3000", "1000"], list(row.values())])
    issue = only_issue(refused(products_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value or "", issue.code) == (3, column, value, code)
    assert reason in issue.reason


def test_duplicate_and_existing_skus_are_refused(shop, csv_file, refused):
    path = csv_file([HEADER, ["P130", "A", "", "", "1", "1"], ["P001", "생수", "", "", "1000", "600"],
                     ["P130", "B", "", "", "1", "1"]])
    failure = refused(products_import, file=path, user=shop.users.admin)
    assert [(i.row, i.column, i.code) for i in failure.issues] == [
        (3, "sku", "already_exists"), (4, "sku", "duplicate_in_file")]
    assert "row 2" in failure.issues[1].reason


def test_missing_required_column_is_refused(shop, csv_file, refused, only_issue):
    path = csv_file([["sku", "name_ko", "unit_price"], ["P140", "A", "1"]])
    issue = only_issue(refused(products_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.code) == (1, "missing_column") and "unit_cost" in issue.reason
