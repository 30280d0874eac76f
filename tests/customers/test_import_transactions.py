"""Importing transactions, one row per line: headers agree across lines, references exist and
are visible to the importing user, and a failure while writing leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from cxm.customers.importing import ImportOptions, transactions_import
from cxm.customers.models import Transaction, TransactionLine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["txn_no", "customer_no", "branch", "channel", "date", "sku", "quantity", "amount", "cost", "delivery_days"]
GOOD = ["T100", "C-X1", "B01", "STORE", "2025-03-01", "P001", "2", "2,000", "", ""]


def line(**changes: str) -> list[str]:
    row = dict(zip(HEADER, GOOD))
    row.update(changes)
    return list(row.values())


# --- happy paths ------------------------------------------------------------------------------


def test_lines_become_transactions_with_summed_amounts_and_default_costs(shop, csv_file):
    path = csv_file([
        HEADER,
        line(),                                                             # cost: 2 x 600
        line(sku="P002", quantity="1", amount="4,500", cost="1,400", date="2025.3.1"),  # same date, other spelling
        line(txn_no="T101", customer_no="", branch="B03", channel="ONLINE", date="20250302", sku="P002",
             quantity="3", amount="13500", delivery_days="2"),
    ])
    result = transactions_import(file=path, user=shop.users.admin)
    assert result.created == {"transactions": 2, "transaction_lines": 3} and result.rows_read == 3
    t100 = Transaction.objects.get(txn_no="T100")
    assert (t100.customer.customer_no, t100.branch.code, t100.channel.code) == ("C-X1", "B01", "STORE")
    assert (t100.occurred_on, t100.amount, t100.cost, t100.delivery_days) == (dt.date(2025, 3, 1), 6500, 2600, None)
    assert sorted(t100.lines.values_list("product__sku", "quantity", "amount", "cost")) == [
        ("P001", 2, 2000, 1200), ("P002", 1, 4500, 1400)]
    walk_in = Transaction.objects.get(txn_no="T101")
    assert walk_in.customer is None and walk_in.cost == 3 * 1500 and walk_in.delivery_days == 2


def test_xlsx_transactions_with_date_cells(shop, xlsx_file):
    path = xlsx_file({"거래": [
        ["거래번호", "고객번호", "지점", "채널", "거래일", "상품코드", "수량", "금액"],
        ["T110", "C-Z1", "B03", "STORE", dt.date(2025, 4, 1), "P001", 1, 1000],
        ["T110", "C-Z1", "B03", "STORE", dt.date(2025, 4, 1), "P002", 2, 9000],
    ]})
    result = transactions_import(file=path, user=shop.users.cs_manager, options=ImportOptions(sheet="거래"))
    assert result.created == {"transactions": 1, "transaction_lines": 2}
    assert Transaction.objects.get(txn_no="T110").occurred_on == dt.date(2025, 4, 1)


def test_cp949_csv_with_mapped_korean_headers(shop, csv_file):
    path = csv_file([["영수증", "회원", "점포", "경로", "판매일자", "품목", "개수", "판매액"],
                     ["T120", "C-X1", "B01", "STORE", "2025/01/31", "P001", "1", "1000"]], encoding="cp949")
    mapping = {"txn_no": "영수증", "customer_no": "회원", "branch": "점포", "channel": "경로", "date": "판매일자",
               "sku": "품목", "quantity": "개수", "amount": "판매액"}
    assert transactions_import(file=path, user=shop.users.admin, mapping=mapping).created["transactions"] == 1


# --- bad cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value", "code", "reason"), [
    ("quantity", "-1", "too_small", "at least 1"),
    ("quantity", "0", "too_small", "at least 1"),
    ("quantity", "1.5", "not_integer", "whole number"),
    ("amount", "12,000원", "not_integer", "whole number"),
    ("amount", "-500", "too_small", "at least 0"),
    ("amount", "", "required", "required"),
    ("cost", "n/a", "not_integer", "whole number"),
    ("date", "2025-02-30", "impossible_date", "No such day"),
    ("date", "03/01/2025", "bad_date", "Not a date"),
    ("delivery_days", "-2", "too_small", "at least 0"),
    ("branch", "B99", "unknown_unit", "Unknown org unit"),
    ("branch", "B01-CS", "unit_not_branch", "not a team"),
    ("channel", "KIOSK", "unknown_channel", "Unknown channel"),
    ("customer_no", "C-NOPE", "unknown_customer", "Unknown customer"),
    ("sku", "P999", "unknown_product", "Unknown SKU"),
])
def test_each_bad_cell_is_reported(shop, csv_file, refused, only_issue, column, value, code, reason):
    path = csv_file([HEADER, line(txn_no="T099"), line(**{column: value})])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value or "", issue.code) == (3, column, value, code)
    assert reason in issue.reason


def test_a_date_in_the_future_is_refused(shop, csv_file, refused, only_issue, today):
    path = csv_file([HEADER, line(date=(today + dt.timedelta(days=3)).strftime("%Y%m%d"))])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.code) == (2, "date", "future_date")


def test_lines_of_one_transaction_must_agree_on_the_header(shop, csv_file, refused):
    path = csv_file([HEADER, line(), line(sku="P002"), line(sku="P002", branch="B03", date="2025-03-02")])
    failure = refused(transactions_import, file=path, user=shop.users.admin)
    assert [(i.row, i.column, i.value, i.code) for i in failure.issues] == [
        (4, "branch", "B03", "header_disagrees"), (4, "date", "2025-03-02", "header_disagrees")]
    assert all("row 2" in i.reason for i in failure.issues)


def test_a_blank_customer_on_one_line_of_a_known_customers_transaction_disagrees(shop, csv_file, refused,
                                                                                  only_issue):
    path = csv_file([HEADER, line(), line(customer_no="", sku="P002")])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.code) == (3, "customer_no", "header_disagrees")


def test_a_transaction_already_in_the_database_is_reported_once(shop, csv_file, refused, only_issue):
    # org_world has T-C-X1; both lines carry it, the first line is reported.
    path = csv_file([HEADER, line(txn_no="T-C-X1"), line(txn_no="T-C-X1", sku="P002")])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value, issue.code) == (2, "txn_no", "T-C-X1", "already_exists")


def test_missing_required_column_is_refused(shop, csv_file, refused, only_issue):
    header = [h for h in HEADER if h != "channel"]
    path = csv_file([header, [v for h, v in zip(HEADER, GOOD) if h != "channel"]])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.code) == (1, "missing_column") and "“channel”" in issue.reason


# --- scope ------------------------------------------------------------------------------------


def test_cs_manager_cannot_import_into_a_branch_outside_their_region(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, line(customer_no="", branch="B02")])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.cs_manager))
    assert (issue.row, issue.column, issue.code) == (2, "branch", "unit_not_visible")


def test_cs_manager_cannot_name_a_customer_they_may_not_see(shop, csv_file, refused, only_issue):
    # C-Y1 lives in B02 (region R2): for csm_r1 it is as good as unknown.
    path = csv_file([HEADER, line(customer_no="C-Y1")])
    issue = only_issue(refused(transactions_import, file=path, user=shop.users.cs_manager))
    assert (issue.row, issue.column, issue.value, issue.code) == (2, "customer_no", "C-Y1", "unknown_customer")


# --- all or nothing ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_lines_rolls_back_the_headers(shop, csv_file, counts, failing_bulk_create):
    written = []
    failing_bulk_create(TransactionLine,
                        before=lambda: written.append(Transaction.objects.filter(txn_no__in=["T200", "T201"]).count()))
    path = csv_file([HEADER, line(txn_no="T200"), line(txn_no="T201", sku="P002")])
    before = counts()
    with pytest.raises(RuntimeError):
        transactions_import(file=path, user=shop.users.admin)
    assert written == [2]  # the headers were in the database when the lines failed...
    assert counts() == before  # ...and are gone now
    assert not Transaction.objects.filter(txn_no__in=["T200", "T201"]).exists()


def test_large_file_is_written_in_batches(shop, csv_file):
    rows = [HEADER] + [
        [f"T{i // 2:06d}", "", "B01", "STORE", "2025-01-15", "P001" if i % 2 else "P002", "1", "1000", "", ""]
        for i in range(5000)
    ]
    result = transactions_import(file=csv_file(rows), user=shop.users.admin, options=ImportOptions(batch_size=700))
    assert result.created == {"transactions": 2500, "transaction_lines": 5000}
    assert TransactionLine.objects.filter(transaction__txn_no="T001249").count() == 2
