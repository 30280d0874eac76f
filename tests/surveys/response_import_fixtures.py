"""Fixtures shared by the response-import and questionnaire-upload tests (imported by those modules).

A wave on top of ``org_world`` (branches B01, B03 in region R1 and B02 in R2; the CS manager
``csm_r1`` sees R1 only) with a small questionnaire, and writers of response files in every
format the import takes. Files are generated in ``tmp_path``: no binary fixtures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

DEFINITION = {
    "title": {"ko": "테스트 설문", "en": "Test survey"},
    "scale": [1, 5],
    "elements": [
        {"code": "A", "label": {"ko": "상품", "en": "Product"},
         "items": [{"code": "A11"}, {"code": "A12"}]},
        {"code": "B", "label": {"ko": "서비스", "en": "Service"}, "items": [{"code": "B11"}]},
    ],
    "overall": {"code": "OVR", "scale": [1, 7]},
    "loyalty": {"retention": {"code": "RET"}, "recommend": {"code": "REC", "scale": [0, 10]}},
    "competitor": {"prefix": "COMP_"},
}

HEADER = ["respondent_id", "branch", "segment", "channel", "customer_no", "A11", "A12", "B11", "OVR", "RET", "REC",
          "comment"]


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def survey_world(org_world):
    """``org_world`` plus a questionnaire, an identified wave W1 and an anonymous wave ANON."""
    from cxm.surveys.models import Questionnaire, Wave

    q = Questionnaire.objects.create(code="test-csi", version=1, title_ko="테스트 설문", title_en="Test survey",
                                     definition=DEFINITION)
    org_world.questionnaire = q
    org_world.wave = Wave.objects.create(code="W1", questionnaire=q, opens_on=dt.date(2026, 1, 1),
                                         closes_on=dt.date(2026, 3, 31))
    org_world.anonymous_wave = Wave.objects.create(code="ANON", questionnaire=q, opens_on=dt.date(2026, 1, 1),
                                                   closes_on=dt.date(2026, 3, 31), anonymous=True)
    return org_world


def good_rows() -> list[list[object]]:
    return [
        ["r1", "B01", "VIP", "STORE", "C-X1", 5, 4, 3, 6, 5, 9, "친절해요"],
        ["r2", "B03", "일반", "", "", 2, "", 1, 2, 1, 3, ""],
        ["r3", "B01", "", "STORE", "C-Z1", 4, 4, 4, 5, 4, 10, "Good"],
    ]


@pytest.fixture
def csv_file(tmp_path) -> Callable[..., Path]:
    """Write rows (header first) as CSV in ``encoding``, with a BOM when asked (Excel's "CSV UTF-8")."""

    def write(rows: Sequence[Sequence[object]], *, name: str = "responses.csv", encoding: str = "utf-8",
              bom: bool = False) -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding))
        return path

    return write


@pytest.fixture
def xlsx_file(tmp_path) -> Callable[..., Path]:
    """Write rows (header first) into the first sheet of an XLSX workbook, numbers as numbers."""

    def write(rows: Sequence[Sequence[object]], *, name: str = "responses.xlsx", sheet: str = "응답") -> Path:
        import openpyxl

        workbook = openpyxl.Workbook()
        worksheet = workbook.active
        worksheet.title = sheet
        for row in rows:
            worksheet.append([None if v == "" else v for v in row])
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


@pytest.fixture
def sav_file(tmp_path) -> Callable[..., Path]:
    """Write an SPSS .sav file with pyreadstat: ``columns`` maps name -> values (None = missing)."""

    def write(columns: dict[str, list], *, value_labels: dict | None = None, column_labels: dict | None = None,
              name: str = "responses.sav") -> Path:
        import pandas as pd
        import pyreadstat

        path = tmp_path / name
        frame = pd.DataFrame({k: pd.Series(v, dtype="float64" if all(isinstance(x, (int, float)) or x is None
                                                                       for x in v) else "object")
                              for k, v in columns.items()})
        labels = [(column_labels or {}).get(k) for k in columns]
        pyreadstat.write_sav(frame, str(path), variable_value_labels=value_labels or {},
                             column_labels=labels if column_labels else None)
        return path

    return write


def as_tuples(failure) -> list[tuple]:
    """(row, column, value, code) of every issue of an :class:`ImportFailed`."""
    return [(i.row, i.column, i.value, i.code) for i in failure.issues]
