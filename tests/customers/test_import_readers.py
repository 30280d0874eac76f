"""Reading import files: encodings of Korean CSVs, XLSX cells, row numbers. No database needed."""

from __future__ import annotations

import datetime as dt

import pytest

from cxm.customers.importing.issues import ImportFailed
from cxm.customers.importing.readers import ROW, decode_csv, read_table

pytestmark = pytest.mark.usefixtures("english")

KOREAN = [["고객번호", "이름", "지점"], ["C1", "홍길동", "강남점"], ["C2", "김서연", "부산점"]]


def only_issue(excinfo):
    issues = excinfo.value.issues
    assert len(issues) == 1, [(i.row, i.column, i.reason) for i in issues]
    return issues[0]


def cells(table, column: int) -> list[str | None]:
    return table.frame.get_column(f"c{column}").to_list()


def test_utf8_csv_is_read_as_utf8(csv_file):
    table = read_table(csv_file(KOREAN))
    assert table.encoding == "utf-8"
    assert table.headers == ["고객번호", "이름", "지점"]
    assert cells(table, 1) == ["홍길동", "김서연"]


def test_utf8_bom_is_stripped_from_the_first_header(csv_file):
    table = read_table(csv_file(KOREAN, bom=True))
    assert table.headers[0] == "고객번호"
    assert table.encoding == "utf-8"


def test_cp949_csv_is_detected_by_auto(csv_file):
    table = read_table(csv_file(KOREAN, encoding="cp949"))
    assert table.encoding == "cp949"
    assert table.headers == ["고객번호", "이름", "지점"]
    assert cells(table, 2) == ["강남점", "부산점"]


def test_explicit_utf8_on_a_cp949_file_names_the_row_and_suggests_cp949(csv_file):
    rows = [["customer_no", "name"], ["C1", "Kim"], ["C2", "Lee"], ["C3", "홍길동"]]
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(rows, encoding="cp949"), encoding="utf-8")
    issue = only_issue(excinfo)
    assert (issue.row, issue.column, issue.code) == (4, "name", "not_utf8_looks_cp949")
    assert "line 4" in issue.reason and "--encoding cp949" in issue.reason
    assert issue.value == "\\xb1\\xe6\\xb5\\xbf"  # 길동 in CP949 (홍 = C8 AB happens to be UTF-8 too)


def test_explicit_utf8_failure_in_the_header_is_row_1(csv_file):
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(KOREAN, encoding="cp949"), encoding="utf-8")
    issue = only_issue(excinfo)
    assert issue.row == 1 and "byte offset 0" in issue.reason


def test_row_number_counts_records_not_lines_when_a_cell_spans_lines(csv_file):
    rows = [["customer_no", "name"], ["C1", "two\nlines"], ["C2", "홍길동"]]
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(rows, encoding="cp949"), encoding="utf-8")
    issue = only_issue(excinfo)
    assert issue.row == 3 and "line 4" in issue.reason


def test_bytes_that_are_neither_utf8_nor_cp949_report_line_and_offset(tmp_path):
    data = "customer_no,name\r\nC1,홍길동\r\n".encode("cp949") + b"C2,\x80\x80\r\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    issue = only_issue(excinfo)
    offset = data.index(b"\x80")
    assert issue.code == "neither_utf8_nor_cp949"
    assert (issue.row, issue.column) == (3, "name")
    assert f"line 3 (byte offset {offset})" in issue.reason


def test_damaged_utf8_is_not_mistaken_for_cp949(tmp_path):
    # UTF-8 "é" (C3 A9) is also a valid CP949 pair, so this damaged UTF-8 file "decodes" as
    # CP949 mojibake; it is mostly well-formed UTF-8, so it must be refused as broken UTF-8.
    data = ("name\n" + "Café crème\n" * 20).encode() + b"Caf\xc3\xc3 x\n"
    path = tmp_path / "damaged.csv"
    path.write_bytes(data)
    assert data.decode("cp949")
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    issue = only_issue(excinfo)
    assert issue.code == "not_decodable" and "UTF-8" in issue.reason
    offset = data.index(b"\xc3\xc3")
    assert issue.row == 22 and f"byte offset {offset}" in issue.reason


def test_neither_encoding_reports_where_the_likelier_one_breaks(tmp_path):
    # UTF-8 Korean fails CP949 at once; a damaged byte late in the file fails UTF-8 there.
    data = "name\n홍길동\n김서연\n".encode() + b"\xff\n"
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    issue = only_issue(excinfo)
    assert issue.code == "neither_utf8_nor_cp949"
    offset = data.index(b"\xff")
    assert (issue.row, issue.column) == (4, "name") and f"byte offset {offset}" in issue.reason


def test_explicit_cp949_on_a_utf8_file_is_refused_instead_of_garbled(csv_file):
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(KOREAN), encoding="cp949")
    assert only_issue(excinfo).code == "is_utf8"


def test_unknown_encoding_is_reported(csv_file):
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(KOREAN), encoding="klingon")
    assert only_issue(excinfo).code == "unknown_encoding"


def test_ascii_only_data_decodes_as_utf8():
    assert decode_csv(b"a,b\n1,2\n") == ("a,b\n1,2\n", "utf-8")


def test_blank_rows_are_dropped_but_keep_their_numbers(csv_file):
    table = read_table(csv_file([["a", "b"], ["1", "x"], ["", ""], [], [" 4 ", "  "]]))
    assert table.frame.get_column(ROW).to_list() == [2, 5]
    assert cells(table, 0) == ["1", "4"]  # trimmed
    assert cells(table, 1) == ["x", None]  # blank -> None


def test_semicolon_separated_csv_is_recognised(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("sku;name_ko\nP1;물\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["sku", "name_ko"] and cells(table, 1) == ["물"]


def test_row_with_more_cells_than_the_header_is_reported(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    issue = only_issue(excinfo)
    assert issue.code == "ragged_row" and issue.row == 3 and "3 cells" in issue.reason


def test_unterminated_quote_is_reported(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('a,b\n1,"2\n3,4\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    assert only_issue(excinfo).code == "bad_csv"


def test_empty_file_is_reported(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    assert only_issue(excinfo).code == "empty_file"


def test_xlsx_date_cells_become_iso_dates_and_whole_numbers_lose_their_decimals(xlsx_file):
    path = xlsx_file({"Data": [["date", "amount", "price", "flag", "when"],
                               [dt.date(2025, 3, 1), 12000, 12000.0, True, dt.datetime(2025, 3, 1, 14, 30)],
                               [dt.datetime(2024, 12, 31), 7, 2.5, False, None]]})
    table = read_table(path)
    assert cells(table, 0) == ["2025-03-01", "2024-12-31"]
    assert cells(table, 1) == ["12000", "7"]
    assert cells(table, 2) == ["12000", "2.5"]
    assert cells(table, 3) == ["true", "false"]
    assert cells(table, 4) == ["2025-03-01 14:30:00", None]


def test_xlsx_sheet_is_chosen_by_name_and_defaults_to_the_first(xlsx_file):
    path = xlsx_file({"Notes": [["note"], ["ignore me"]], "고객": [["고객번호"], ["C1"], [None], ["C3"]]})
    assert read_table(path).headers == ["note"]
    table = read_table(path, sheet="고객")
    assert table.sheet == "고객" and table.headers == ["고객번호"]
    assert table.frame.get_column(ROW).to_list() == [2, 4]


def test_unknown_sheet_lists_the_sheets(xlsx_file):
    path = xlsx_file({"A": [["x"]], "B": [["y"]]})
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path, sheet="C")
    issue = only_issue(excinfo)
    assert issue.code == "unknown_sheet" and "A, B" in issue.reason


def test_xlsx_is_recognised_from_bytes_without_a_name(xlsx_file):
    data = xlsx_file({"S": [["sku"], ["P1"]]}).read_bytes()
    assert read_table(data).headers == ["sku"]


def test_a_csv_named_xlsx_is_refused_as_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    assert only_issue(excinfo).code == "bad_workbook"


def test_old_xls_is_refused(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(ImportFailed) as excinfo:
        read_table(path)
    assert only_issue(excinfo).code == "old_xls"


def test_sheet_option_on_a_csv_is_refused(csv_file):
    with pytest.raises(ImportFailed) as excinfo:
        read_table(csv_file(KOREAN), sheet="Sheet1")
    assert only_issue(excinfo).code == "sheet_not_csv"


def test_unnamed_empty_columns_are_dropped(xlsx_file):
    path = xlsx_file({"S": [["sku", None, "name_ko"], ["P1", None, "물"]]})
    table = read_table(path)
    assert table.headers == ["sku", "name_ko"]
    assert cells(table, 1) == ["물"]
    assert table.letter(1) == "C"
