"""Read a survey response file into a polars DataFrame (CSV, XLSX, SPSS .sav).

One row per respondent, one column per item code; an empty cell is a missing answer.
CSV is read as UTF-8 (with or without BOM) and falls back to CP949 (Korean Windows).
"""

from __future__ import annotations

import io as _io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from cxm.analytics.questionnaire import Item

__all__ = ["BadCell", "ResponseFile", "parse_numbers", "read_table", "validate_items", "read_responses"]


@dataclass(frozen=True)
class BadCell:
    """A cell that is not a valid answer. ``row`` is the 1-based data row (the header is not counted)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}, value {self.value!r}: {self.reason}"


@dataclass(frozen=True)
class ResponseFile:
    """The responses and file metadata (``value_labels``: SPSS value labels per column)."""

    frame: pl.DataFrame
    encoding: str | None = None
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)


def _read_csv(path: Path) -> tuple[pl.DataFrame, str]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # every column as text: the item columns are validated cell by cell below
        frame = pl.read_csv(_io.BytesIO(text.encode("utf-8")), infer_schema=False)
        return frame, "utf-8" if encoding == "utf-8-sig" else encoding
    raise ValueError(f"{path}: neither UTF-8 nor CP949 text")


def _read_xlsx(path: Path) -> pl.DataFrame:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))  # openpyxl hands out cells row by row
    if not rows:
        raise ValueError(f"{path}: the first sheet is empty")
    header = [str(h) if h is not None else f"column_{j + 1}" for j, h in enumerate(rows[0])]
    columns = list(zip(*rows[1:])) if len(rows) > 1 else [()] * len(header)
    return pl.DataFrame({h: [None if v is None else str(v) for v in col] for h, col in zip(header, columns)},
                        schema={h: pl.String for h in header})


def read_table(path: str | Path) -> ResponseFile:
    """Read a CSV (UTF-8/CP949), XLSX or SPSS .sav file; the suffix decides the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    if suffix in (".csv", ".txt"):
        frame, encoding = _read_csv(path)
        return ResponseFile(frame, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return ResponseFile(_read_xlsx(path))
    if suffix == ".sav":
        import pyreadstat

        frame, meta = pyreadstat.read_sav(str(path), output_format="polars")
        labels = {col: {float(k): str(v) for k, v in mapping.items()}
                  for col, mapping in (meta.variable_value_labels or {}).items()}
        names = dict(zip(meta.column_names, meta.column_labels or [])) if meta.column_labels else {}
        return ResponseFile(frame, meta.file_encoding, labels, {k: v for k, v in names.items() if v})
    raise ValueError(f"{path}: unsupported file type {suffix!r} (use .csv, .xlsx or .sav)")


def parse_numbers(column: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """A column of answers as Float64, and the 0-based rows whose cell is not a number.

    Text is stripped and a blank cell is missing (null); a cell that is neither blank nor a
    number is null in the values and listed in the rows. Other columns are cast as they are.
    """
    source = column
    if column.dtype == pl.String:
        stripped = column.str.strip_chars()
        source = pl.select(pl.when(stripped == "").then(None).otherwise(stripped).alias(column.name)).to_series()
    values = source.cast(pl.Float64, strict=False)
    return values, np.flatnonzero((source.is_not_null() & values.is_null()).to_numpy())


def validate_items(frame: pl.DataFrame, items: Sequence[Item], *, required: Sequence[str] = ()) -> pl.DataFrame:
    """Turn the item columns into Float64 (empty = null) and check every answer is on its scale.

    Columns of ``items`` absent from the frame are an error when listed in ``required``
    and otherwise skipped (optional blocks such as a competitor block may be partial).

    Raises
    ------
    ValueError
        Listing up to 20 bad cells as (row, column, value, reason).
    """
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; the file has {frame.columns}")
    bad: list[BadCell] = []
    casts = []
    for item in items:
        if item.code not in frame.columns:
            continue
        col = frame.get_column(item.code)
        values, not_number = parse_numbers(col)
        for r in not_number[:20]:
            bad.append(BadCell(int(r) + 1, item.code, str(col[int(r)]), "not a number"))
        x = values.to_numpy()
        lo, hi = item.scale
        with np.errstate(invalid="ignore"):
            out = np.isfinite(x) & ((x < lo) | (x > hi))
        for r in np.flatnonzero(out)[:20]:
            bad.append(BadCell(int(r) + 1, item.code, str(col[int(r)]), f"outside the scale {lo:g}-{hi:g}"))
        casts.append(values.fill_nan(None).alias(item.code))
    if bad:
        bad.sort(key=lambda b: (b.row, b.column))
        more = "" if len(bad) <= 20 else " (and more; first 20 shown)"
        raise ValueError("bad answer(s): " + "; ".join(str(b) for b in bad[:20]) + more)
    return frame.with_columns(casts) if casts else frame


def read_responses(path: str | Path, items: Sequence[Item], *, required: Sequence[str] = ()) -> ResponseFile:
    """Read a response file and validate its item columns (see :func:`validate_items`)."""
    raw = read_table(path)
    frame = validate_items(raw.frame, items, required=required)
    return ResponseFile(frame, raw.encoding, raw.value_labels, raw.column_labels)
