"""Importing customers: happy paths in every file flavour, and each kind of bad cell.

Every refused file must name the exact row (header = row 1), the source column and the
reason, and must leave the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError

from cxm.core.exceptions import AccessDenied
from cxm.customers.importing import ImportFailed, ImportOptions, customers_import
from cxm.customers.models import Customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["customer_no", "name", "home_unit", "joined_on"]


# --- happy paths ------------------------------------------------------------------------------


def test_utf8_csv_creates_customers_with_typed_fields(shop, csv_file):
    path = csv_file([
        ["customer_no", "name", "kind", "email", "phone", "gender", "birth_year", "home_unit", "segment",
         "consent_marketing", "consent_email", "consent_sms", "joined_on"],
        ["N001", "홍길동", "", "hong@example.com", "010-1111-2222", "M", "1985", "B01", "VIP", "yes", "예", "0",
         "2024-01-05"],
        ["N002", "주식회사 한빛", "company", "", "", "", "", "B03", "", "Y", "아니오", "true", "2024/2/29"],
        ["N003", "이영희", "개인", "", "", "여", "2001", "B02", "", "", "", "", "20231231"],
    ])
    result = customers_import(file=path, user=shop.users.admin)
    assert result.created == {"customers": 3} and result.rows_read == 3
    hong, hanbit, lee = Customer.objects.filter(customer_no__in=["N001", "N002", "N003"]).order_by("customer_no")
    assert (hong.name, hong.kind, hong.gender, hong.birth_year) == ("홍길동", "person", "M", 1985)
    assert hong.home_unit.code == "B01"
    assert (hong.consent_marketing, hong.consent_email, hong.consent_sms) == (True, True, False)
    assert hong.joined_on == dt.date(2024, 1, 5) and hong.segment == "VIP" and hong.email == "hong@example.com"
    assert (hanbit.kind, hanbit.gender, hanbit.birth_year, hanbit.email) == ("company", "", None, "")
    assert (hanbit.consent_marketing, hanbit.consent_email, hanbit.consent_sms) == (True, False, True)
    assert hanbit.joined_on == dt.date(2024, 2, 29)
    assert (lee.kind, lee.gender, lee.joined_on) == ("person", "F", dt.date(2023, 12, 31))


def test_utf8_bom_csv_imports_the_first_column(shop, csv_file):
    path = csv_file([HEADER, ["N010", "김서준", "B01", "2024.03.01"]], bom=True)
    customers_import(file=path, user=shop.users.admin)
    assert Customer.objects.get(customer_no="N010").joined_on == dt.date(2024, 3, 1)


def test_cp949_csv_with_korean_headers_and_an_explicit_mapping(shop, csv_file):
    path = csv_file([
        ["회원번호", "회원명", "소속", "등록일", "비고"],
        ["N020", "박서연", "B01", "2024-04-01", "VIP 후보"],
        ["N021", "최민준", "B03", "2024-04-02", ""],
    ], encoding="cp949")
    mapping = {"customer_no": "회원번호", "name": "회원명", "home_unit": "소속", "joined_on": "등록일"}
    result = customers_import(file=path, user=shop.users.cs_manager, mapping=mapping)
    assert result.created == {"customers": 2}
    assert result.unused_columns == ("비고",)
    assert Customer.objects.get(customer_no="N021").name == "최민준"


def test_usual_korean_headers_map_without_a_mapping(shop, csv_file):
    path = csv_file([["고객번호", "이름", "지점", "가입일", "성별", "마케팅동의"],
                     ["N030", "윤하은", "B01", "2024-05-05", "여성", "예"]], encoding="cp949")
    customers_import(file=path, user=shop.users.admin)
    c = Customer.objects.get(customer_no="N030")
    assert (c.name, c.gender, c.consent_marketing) == ("윤하은", "F", True)


def test_headers_match_field_names_case_insensitively(shop, csv_file):
    path = csv_file([["Customer No", "NAME", "Home_Unit", "Joined-On"], ["N040", "Kim", "B01", "2024-01-01"]])
    customers_import(file=path, user=shop.users.admin)
    assert Customer.objects.filter(customer_no="N040").exists()


def test_xlsx_with_real_date_cells_from_a_named_sheet(shop, xlsx_file):
    path = xlsx_file({
        "안내": [["이 시트는 설명입니다"]],
        "고객": [["고객번호", "이름", "지점", "가입일", "출생연도"],
                 ["N050", "장도윤", "B01", dt.date(2023, 7, 14), 1990],
                 ["N051", "임수아", "B03", dt.datetime(2024, 1, 2), 1999.0]],
    })
    result = customers_import(file=path, user=shop.users.admin, options=ImportOptions(sheet="고객"))
    assert result.created == {"customers": 2}
    assert Customer.objects.get(customer_no="N050").joined_on == dt.date(2023, 7, 14)
    assert Customer.objects.get(customer_no="N051").birth_year == 1999


def test_content_as_bytes_is_accepted(shop, csv_file):
    data = csv_file([HEADER, ["N060", "Lee", "B01", "2024-01-01"]]).read_bytes()
    customers_import(file=data, user=shop.users.admin)
    assert Customer.objects.filter(customer_no="N060").exists()


# --- bad cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(("joined_on", "code", "reason"), [
    ("05/01/2024", "bad_date", "Not a date"),
    ("2024-13-01", "impossible_date", "No such day"),
    ("2025-02-30", "impossible_date", "No such day"),
    ("2023-02-29", "impossible_date", "No such day"),
    ("어제", "bad_date", "YYYY-MM-DD"),
])
def test_wrong_dates_are_reported_at_their_cell(shop, csv_file, refused, only_issue, joined_on, code, reason):
    path = csv_file([HEADER, ["N100", "A", "B01", "2024-01-01"], ["N101", "B", "B01", joined_on]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value, issue.code) == (3, "joined_on", joined_on, code)
    assert reason in issue.reason


def test_a_date_in_the_future_is_refused(shop, csv_file, refused, only_issue, today):
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    path = csv_file([["고객번호", "이름", "지점", "가입일"], ["N110", "A", "B01", tomorrow]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.code) == (2, "가입일", "future_date")
    assert "in the future" in issue.reason and today.isoformat() in issue.reason


def test_unknown_home_branch_is_reported(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N120", "A", "B01", "2024-01-01"], ["N121", "B", "B99", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value) == (3, "home_unit", "B99")
    assert "Unknown org unit" in issue.reason


def test_home_unit_must_be_a_branch_not_a_region(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N130", "A", "R1", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.code) == (2, "home_unit", "unit_not_branch")
    assert "not a region" in issue.reason


def test_duplicate_ids_in_the_file_point_to_the_first_occurrence(shop, csv_file, refused):
    path = csv_file([HEADER, ["N140", "A", "B01", "2024-01-01"], ["N141", "B", "B01", "2024-01-01"],
                     ["N140", "C", "B01", "2024-01-01"], ["N140", "D", "B01", "2024-01-01"]])
    failure = refused(customers_import, file=path, user=shop.users.admin)
    assert [(i.row, i.column, i.code) for i in failure.issues] == [
        (4, "customer_no", "duplicate_in_file"), (5, "customer_no", "duplicate_in_file")]
    assert all("already on row 2" in i.reason for i in failure.issues)


def test_an_id_already_in_the_database_is_refused(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N150", "A", "B01", "2024-01-01"], ["C-X1", "김서준", "B01", "2025-01-02"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value, issue.code) == (3, "customer_no", "C-X1", "already_exists")
    assert "already exists" in issue.reason.lower()


def test_missing_required_column_lists_the_files_columns(shop, csv_file, refused, only_issue):
    path = csv_file([["customer_no", "name", "home_unit"], ["N160", "A", "B01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.code) == (1, "missing_column")
    assert "joined_on" in issue.reason and "customer_no, name, home_unit" in issue.reason


def test_mapping_to_an_unknown_column_lists_the_files_columns(shop, csv_file, refused, only_issue):
    path = csv_file([["번호", "이름", "지점", "가입일"], ["N170", "A", "B01", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin,
                               mapping={"customer_no": "고객번호"}))
    assert (issue.row, issue.column, issue.code) == (1, "고객번호", "unknown_column")
    assert "번호, 이름, 지점, 가입일" in issue.reason


def test_mapping_an_unknown_field_is_refused(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N175", "A", "B01", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin, mapping={"vip": "name"}))
    assert issue.code == "unknown_field" and "customer_no" in issue.reason


@pytest.mark.parametrize(("column", "value", "code"), [
    ("email", "not-an-address", "bad_email"),
    ("gender", "X", "bad_choice"),
    ("kind", "robot", "bad_choice"),
    ("consent_sms", "maybe", "bad_boolean"),
    ("birth_year", "19O5", "not_integer"),
    ("birth_year", "1850", "too_small"),
    ("segment", "가" * 41, "too_long"),
])
def test_bad_optional_cells_are_reported(shop, csv_file, refused, only_issue, column, value, code):
    path = csv_file([[*HEADER, column], ["N180", "A", "B01", "2024-01-01", value]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.value, issue.code) == (2, column, value, code)


def test_birth_year_after_this_year_is_refused(shop, csv_file, refused, only_issue, today):
    path = csv_file([[*HEADER, "birth_year"], ["N185", "A", "B01", "2024-01-01", str(today.year + 1)]])
    assert only_issue(refused(customers_import, file=path, user=shop.users.admin)).code == "too_large"


def test_a_required_blank_cell_is_reported(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N190", "", "B01", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin))
    assert (issue.row, issue.column, issue.code) == (2, "name", "required")


def test_every_bad_cell_is_reported_in_row_then_column_order(shop, csv_file, refused):
    path = csv_file([HEADER, ["N200", "", "B99", "2024-02-30"], ["N201", "ok", "B01", "2024-01-01"],
                     ["", "B", "B01", "x"]])
    failure = refused(customers_import, file=path, user=shop.users.admin)
    assert [(i.row, i.column) for i in failure.issues] == [
        (2, "name"), (2, "home_unit"), (2, "joined_on"), (4, "customer_no"), (4, "joined_on")]
    assert failure.total == 5 and "5 problems" in failure.message


def test_undecodable_file_with_explicit_utf8_is_refused_with_a_hint(shop, csv_file, refused, only_issue):
    path = csv_file([HEADER, ["N210", "Kim", "B01", "2024-01-01"], ["N211", "홍길동", "B01", "2024-01-01"]],
                    encoding="cp949")
    issue = only_issue(refused(customers_import, file=path, user=shop.users.admin,
                               options=ImportOptions(encoding="utf-8")))
    assert (issue.row, issue.column) == (3, "name") and "--encoding cp949" in issue.reason


def test_many_bad_rows_are_capped_but_counted(shop, csv_file, refused):
    rows = [HEADER] + [[f"M{i:05d}", "A", "B01", "2024-02-30"] for i in range(1500)]
    failure = refused(customers_import, file=csv_file(rows), user=shop.users.admin)
    assert len(failure.issues) == 1000 and failure.total == 1500
    assert failure.issues[0].row == 2 and failure.issues[-1].row == 1001


def test_header_only_file_is_refused(shop, csv_file, refused, only_issue):
    issue = only_issue(refused(customers_import, file=csv_file([HEADER]), user=shop.users.admin))
    assert issue.code == "no_rows"


# --- who may import ---------------------------------------------------------------------------


def test_cs_manager_cannot_import_a_customer_outside_their_region(shop, csv_file, refused, only_issue):
    # csm_r1 is scoped to region R1 (B01, B03); B02 belongs to R2.
    path = csv_file([HEADER, ["N300", "A", "B01", "2024-01-01"], ["N301", "B", "B02", "2024-01-01"]])
    issue = only_issue(refused(customers_import, file=path, user=shop.users.cs_manager))
    assert (issue.row, issue.column, issue.value, issue.code) == (3, "home_unit", "B02", "unit_not_visible")
    assert "outside the units you may import into" in issue.reason


def test_cs_manager_imports_within_their_region(shop, csv_file):
    path = csv_file([HEADER, ["N310", "A", "B01", "2024-01-01"], ["N311", "B", "B03", "2024-01-01"]])
    assert customers_import(file=path, user=shop.users.cs_manager).created == {"customers": 2}


@pytest.mark.parametrize("role", ["agent", "analyst", "branch_manager"])
def test_only_admins_and_cs_managers_may_import(shop, csv_file, counts, role):
    path = csv_file([HEADER, ["N320", "A", "B01", "2024-01-01"]])
    before = counts()
    with pytest.raises(AccessDenied):
        customers_import(file=path, user=getattr(shop.users, role))
    assert counts() == before


# --- audit and all-or-nothing -----------------------------------------------------------------


def test_imported_customers_have_a_create_entry_with_the_actor(shop, csv_file):
    user = shop.users.cs_manager
    path = csv_file([HEADER, ["N400", "정하늘", "B01", "2024-01-01"], ["N401", "서준서", "B03", "2024-01-02"]],
                    name="april.csv")
    customers_import(file=path, user=user)
    for customer_no, name in [("N400", "정하늘"), ("N401", "서준서")]:
        c = Customer.objects.get(customer_no=customer_no)
        [entry] = LogEntry.objects.filter(content_type__model="customer", object_pk=str(c.pk))
        assert entry.action == LogEntry.Action.CREATE and entry.actor == user
        assert entry.changes_dict["name"] == ["None", name]
        assert entry.changes_dict["customer_no"] == ["None", customer_no]
        assert entry.additional_data == {"import": "april.csv"}


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_the_audit_trail_rolls_the_customers_back(shop, csv_file, counts,
                                                                           failing_bulk_create):
    failing_bulk_create(LogEntry)
    path = csv_file([HEADER, ["N500", "A", "B01", "2024-01-01"]])
    before = counts()
    with pytest.raises(RuntimeError):
        customers_import(file=path, user=shop.users.admin)
    assert counts() == before and not Customer.objects.filter(customer_no="N500").exists()


@pytest.fixture
def late_clash(shop, monkeypatch):
    """Someone inserts N601 between the import's checks and its INSERT: the database refuses the batch."""
    from cxm.customers.importing import services

    original = services._existing

    def checks_then_clash(model, key, values):
        Customer.objects.create(customer_no="N601", name="먼저", home_unit=shop.x, joined_on=dt.date(2024, 1, 1))
        return original(model, key, [])

    monkeypatch.setattr(services, "_existing", checks_then_clash)


def import_clashing_file(shop, csv_file) -> ImportFailed:
    path = csv_file([HEADER, ["N600", "A", "B01", "2024-01-01"], ["N601", "B", "B01", "2024-01-01"]])
    with pytest.raises(ImportFailed) as excinfo:
        customers_import(file=path, user=shop.users.admin)
    return excinfo.value


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("late_clash")
def test_a_clash_at_insert_time_rolls_back_and_is_reported(shop, csv_file):
    failure = import_clashing_file(shop, csv_file)
    assert "nothing was imported" in failure.message and failure.issues == []
    assert not Customer.objects.filter(customer_no="N600").exists()
    assert Customer.objects.get(customer_no="N601").name == "먼저"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("late_clash")
def test_a_clash_at_insert_time_is_logged_but_not_shown_to_the_user(shop, csv_file, caplog):
    with caplog.at_level(logging.ERROR, logger="cxm.customers.importing.services"):
        failure = import_clashing_file(shop, csv_file)
    # The database's own words (which differ per backend and quote key values) stay in the log.
    assert "N601" not in failure.message and "UNIQUE" not in failure.message.upper()
    [record] = [r for r in caplog.records if r.name == "cxm.customers.importing.services"]
    assert record.exc_info and isinstance(record.exc_info[1], IntegrityError)
