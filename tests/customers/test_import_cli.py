"""``cxm import ...``: counts on success; the issues as a table or JSON and exit code 1 on failure."""

from __future__ import annotations

import json
import unicodedata

import pytest
from typer.testing import CliRunner

from cxm.cli import app
from cxm.customers.cli import format_table, parse_mapping
from cxm.customers.models import Customer, Product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def cli(monkeypatch):
    # The CLI picks its own language (CXM_LANGUAGE, else the locale): pin it to the msgids'.
    monkeypatch.setenv("CXM_LANGUAGE", "en")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["import", *args], catch_exceptions=False)

    return invoke


def test_success_prints_the_counts(shop, csv_file, cli):
    path = csv_file([["고객번호", "이름", "지점", "가입일", "메모"], ["N700", "홍길동", "B01", "2024-01-01", "x"]],
                    encoding="cp949", name="고객.csv")
    result = cli("customers", str(path), "--user", "admin")
    assert result.exit_code == 0, result.output
    assert "Imported 1 customers from 고객.csv (1 rows read)." in result.output
    assert "Columns not imported: 메모" in result.output
    assert Customer.objects.filter(customer_no="N700").exists()


def test_failure_prints_the_issue_table_and_exits_1(shop, csv_file, cli, counts):
    path = csv_file([["회원번호", "이름", "지점", "가입일"], ["N710", "A", "B01", "2024-02-30"],
                     ["N711", "B", "B99", "2024-01-01"]])
    before = counts()
    result = cli("customers", str(path), "--user", "csm_r1", "--map", "customer_no=회원번호")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split() == ["row", "column", "value", "reason"]
    assert lines[2].split()[:3] == ["2", "가입일", "2024-02-30"] and "No such day" in lines[2]
    assert lines[3].split()[:3] == ["3", "지점", "B99"] and "Unknown org unit" in lines[3]
    assert "The file has 2 problems; nothing was imported." in result.output
    assert counts() == before


def test_failure_as_json_is_a_stable_contract(shop, csv_file, cli):
    path = csv_file([["sku", "name_ko", "unit_price", "unit_cost"], ["P700", "물", "-1", "0"]])
    result = cli("products", str(path), "--user", "admin", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False and payload["total"] == 1
    assert payload["issues"] == [{"row": 2, "column": "unit_price", "value": "-1", "code": "too_small",
                                  "reason": "Must be at least 0."}]
    assert not Product.objects.filter(sku="P700").exists()


def test_success_as_json(shop, xlsx_file, cli):
    path = xlsx_file({"Sheet": [["x"]], "Lines": [
        ["txn_no", "branch", "channel", "date", "sku", "quantity", "amount"],
        ["T700", "B01", "STORE", "2025-01-02", "P001", 1, 1000]]})
    result = cli("transactions", str(path), "--user", "admin", "--sheet", "Lines", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["ok"] is True and payload["created"] == {"transactions": 1, "transaction_lines": 1}
    assert payload["columns"]["date"] == "date"


def test_explicit_utf8_on_a_cp949_file_tells_which_encoding_to_use(shop, csv_file, cli):
    path = csv_file([["customer_no", "name", "home_unit", "joined_on"], ["N720", "홍길동", "B01", "2024-01-01"]],
                    encoding="cp949")
    result = cli("customers", str(path), "--user", "admin", "--encoding", "utf-8")
    assert result.exit_code == 1
    assert "--encoding cp949" in result.output and "line 2" in result.output


def test_a_user_who_may_not_import_gets_exit_code_1(shop, csv_file, cli):
    path = csv_file([["customer_no", "name", "home_unit", "joined_on"], ["N730", "A", "B01", "2024-01-01"]])
    result = cli("customers", str(path), "--user", "agent_x")
    assert result.exit_code == 1
    assert "You may not import data." in result.output
    assert not Customer.objects.filter(customer_no="N730").exists()


def test_malformed_map_option_is_a_usage_error(shop, csv_file, cli):
    path = csv_file([["customer_no"], ["N740"]])
    result = cli("customers", str(path), "--user", "admin", "--map", "customer_no")
    assert result.exit_code == 2


def test_parse_mapping_splits_at_the_first_equals_sign():
    assert parse_mapping(["name=이름 (=성명)", " home_unit = 지점 "]) == {"name": "이름 (=성명)", "home_unit": "지점"}


def test_table_columns_line_up_with_korean_text():
    table = format_table(("row", "column", "reason"), [("2", "가입일", "x"), ("10", "name", "y")])
    header, rule, first, second = table.splitlines()

    def cells(text: str) -> int:  # terminal cells: Hangul takes two
        return sum(2 if unicodedata.east_asian_width(ch) == "W" else 1 for ch in text)

    assert cells(first[:first.index("x")]) == cells(second[:second.index("y")]) == header.index("reason")
    assert rule.split() == ["---", "------", "------"]
