"""Column mapping: explicit ``field=Column`` pairs, defaults by name and alias, and its errors."""

from __future__ import annotations

import pytest

from cxm.customers.importing.schema import CUSTOMERS, PRODUCTS, normalise_header, resolve_columns

pytestmark = pytest.mark.usefixtures("english")


def test_field_names_match_ignoring_case_spaces_and_separators():
    assert normalise_header(" Customer-No ") == normalise_header("customer_no") == "customerno"


def test_explicit_mapping_wins_over_a_header_named_like_the_field():
    headers = ["name", "고객명", "customer_no", "home_unit", "joined_on"]
    columns, issues = resolve_columns(CUSTOMERS, headers, {"name": "고객명"})
    assert issues == [] and columns["name"] == 1


def test_explicit_mapping_accepts_a_header_in_other_case():
    columns, issues = resolve_columns(PRODUCTS, ["SKU", "Product Name", "Price", "Cost"],
                                      {"name_ko": "product name"})
    assert issues == []
    assert columns == {"sku": 0, "name_ko": 1, "unit_price": 2, "unit_cost": 3}


def test_a_column_taken_by_a_mapping_is_not_also_guessed_for_another_field():
    # "name" is an alias of name_ko, but it is explicitly name_en here; name_ko is 상품명.
    columns, issues = resolve_columns(PRODUCTS, ["sku", "name", "상품명", "단가", "원가"], {"name_en": "name"})
    assert issues == [] and columns["name_en"] == 1 and columns["name_ko"] == 2


def test_the_fields_own_name_beats_an_alias():
    columns, issues = resolve_columns(PRODUCTS, ["상품코드", "sku", "name_ko", "unit_price", "unit_cost"])
    assert issues == [] and columns["sku"] == 1


def test_two_aliases_of_one_field_are_ambiguous():
    _, issues = resolve_columns(CUSTOMERS, ["customer_no", "이름", "성명", "home_unit", "joined_on"])
    [issue] = issues
    assert issue.code == "ambiguous_column" and "이름, 성명" in issue.reason and issue.row == 1


def test_a_repeated_header_that_is_needed_is_reported_with_its_letters():
    _, issues = resolve_columns(CUSTOMERS, ["customer_no", "name", "name", "home_unit", "joined_on"],
                                letters=["A", "B", "C", "D", "E"])
    [issue] = issues
    assert (issue.row, issue.column, issue.code) == (1, "name", "duplicate_header")
    assert "B, C" in issue.reason


def test_missing_required_fields_are_each_reported():
    _, issues = resolve_columns(CUSTOMERS, ["customer_no", "name"])
    assert [(i.code, i.row) for i in issues] == [("missing_column", 1), ("missing_column", 1)]
    assert "home_unit" in issues[0].reason and "joined_on" in issues[1].reason


def test_optional_fields_without_a_column_are_simply_absent():
    columns, issues = resolve_columns(CUSTOMERS, ["customer_no", "name", "home_unit", "joined_on"])
    assert issues == [] and set(columns) == {"customer_no", "name", "home_unit", "joined_on"}
