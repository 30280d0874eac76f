"""Questionnaire YAML parsing and response file reading (CSV UTF-8/CP949, XLSX, .sav)."""

import numpy as np
import polars as pl
import pytest

from cxm.analytics.io import read_responses, read_table, validate_items
from cxm.analytics.questionnaire import Item, load_questionnaire, parse_questionnaire

YAML = """
scale: [1, 5]
elements:
  - code: A
    label: {ko: 상품, en: Product}
    items:
      - {code: A11, label: {ko: 품질, en: Quality}}
      - {code: A12, scale: [1, 7], weight: 2}
  - code: B
    expectation: {code: B_EXP}
    items:
      - {code: B11}
overall: {code: OVR, scale: [1, 7]}
loyalty:
  retention: {code: RET}
  recommend: {code: REC, scale: [0, 10]}
competitor: {prefix: "COMP_"}
"""


def test_questionnaire_yaml_parses_scales_weights_and_blocks(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(YAML, encoding="utf-8")
    q = load_questionnaire(path)
    a11, a12 = q.elements[0].items
    assert a11.scale == (1.0, 5.0) and a12.scale == (1.0, 7.0) and a12.weight == 2.0
    assert q.elements[0].label == {"ko": "상품", "en": "Product"}
    assert q.elements[1].expectation.code == "B_EXP"
    assert q.overall.scale == (1.0, 7.0) and q.recommend.scale == (0.0, 10.0) and q.retention.scale == (1.0, 5.0)
    assert [i.code for i in q.competitor_items()] == ["COMP_A11", "COMP_A12", "COMP_B11", "COMP_OVR"]


@pytest.mark.parametrize("patch, key", [
    ({"scale": [5, 1]}, "scale"),
    ({"elements": []}, "elements"),
    ({"elements": [{"code": "A", "items": [{"code": "A1", "scale": [1]}]}]}, "elements[0].items[0].scale"),
    ({"elements": [{"code": "A", "items": [{"code": "A1", "weight": -1}]}]}, "elements[0].items[0].weight"),
    ({"elements": [{"code": "A", "items": [{"code": "A1", "colour": 1}]}]}, "elements[0].items[0]"),
    ({"competitor": {"prefix": ""}}, "competitor.prefix"),
])
def test_questionnaire_errors_name_the_offending_key(patch, key):
    raw = {"elements": [{"code": "A", "items": [{"code": "A1"}]}], "overall": {"code": "O"}} | patch
    with pytest.raises(ValueError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_questionnaire(raw)


def test_questionnaire_rejects_duplicate_item_codes():
    raw = {"elements": [{"code": "A", "items": [{"code": "X"}]}], "overall": {"code": "X"}}
    with pytest.raises(ValueError, match="repeated"):
        parse_questionnaire(raw)


def test_csv_in_cp949_and_utf8_read_the_same(tmp_path):
    text = "branch,A11\n강남,3\n부산,\n"
    (tmp_path / "u.csv").write_text(text, encoding="utf-8")
    (tmp_path / "k.csv").write_bytes(text.encode("cp949"))
    u, k = read_table(tmp_path / "u.csv"), read_table(tmp_path / "k.csv")
    assert u.encoding == "utf-8" and k.encoding == "cp949"
    assert u.frame.equals(k.frame) and u.frame["branch"].to_list() == ["강남", "부산"]


def test_bad_cells_are_reported_with_row_column_value():
    frame = pl.DataFrame({"A11": ["1", "", "x", "6"], "B": ["5", "5", "5", "5"]})
    with pytest.raises(ValueError) as err:
        validate_items(frame, [Item("A11", (1.0, 5.0))])
    msg = str(err.value)
    assert "row 3, column 'A11', value 'x': not a number" in msg
    assert "row 4, column 'A11', value '6': outside the scale 1-5" in msg


def test_empty_cell_is_missing_and_required_columns_checked():
    frame = validate_items(pl.DataFrame({"A11": ["1", " ", "5"]}), [Item("A11", (1.0, 5.0))])
    assert frame["A11"].to_list() == [1.0, None, 5.0]
    with pytest.raises(ValueError, match="missing column"):
        validate_items(frame, [Item("A11", (1.0, 5.0))], required=["A12"])


def test_xlsx_and_sav_read_with_value_labels(tmp_path):
    import pandas as pd
    import pyreadstat
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["A11", "seg"])
    ws.append([4, "x"])
    ws.append([None, "y"])
    wb.save(tmp_path / "r.xlsx")
    got = read_responses(tmp_path / "r.xlsx", [Item("A11", (1.0, 5.0))]).frame
    assert got["A11"].to_list() == [4.0, None] and got["seg"].to_list() == ["x", "y"]

    df = pd.DataFrame({"A11": [1.0, np.nan, 5.0]})
    pyreadstat.write_sav(df, tmp_path / "r.sav", variable_value_labels={"A11": {1.0: "bad", 5.0: "good"}})
    sav = read_responses(tmp_path / "r.sav", [Item("A11", (1.0, 5.0))])
    assert sav.frame["A11"].to_list() == [1.0, None, 5.0]
    assert sav.value_labels["A11"] == {1.0: "bad", 5.0: "good"}
