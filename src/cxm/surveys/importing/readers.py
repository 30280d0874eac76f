"""Reading a response file: CSV and XLSX through the shared readers, SPSS .sav through pyreadstat.

A .sav file is turned into the same :class:`~cxm.customers.importing.readers.RawTable` of
text cells as a CSV file, so that it is checked cell by cell in the same way. Its value
labels (``1 = "B01"``, ``5 = "매우 만족"``) and variable labels (the question texts) are kept
beside the table: the service resolves coded attribute columns (branch, channel, segment)
through them and stores them with the import record. Numbers that are whole become integer
text (``5.0`` -> ``"5"``); SPSS user-missing values are read as missing answers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cxm.customers.importing.issues import ImportFailed, make_issue
from cxm.customers.importing.readers import ROW, RawTable, read_table, table_from_cells

from . import issues as _issues  # noqa: F401  (registers the survey reasons)

_SAV_MAGIC = (b"$FL2", b"$FL3")  # plain and compressed (.zsav) system files
_SAV_SUFFIXES = {".sav", ".zsav"}


@dataclass(frozen=True)
class ResponseTable:
    """A response file as text cells, with what the file says about its values.

    Attributes
    ----------
    table : RawTable
        The cells (see :func:`cxm.customers.importing.readers.read_table`).
    file_format : str
        ``"csv"``, ``"xlsx"`` or ``"sav"``.
    value_labels : dict of str to dict of str to str
        Per column header: value (as text, like the cells) -> label. SPSS files only.
    column_labels : dict of str to str
        Per column header: the variable label. SPSS files only.
    """

    table: RawTable
    file_format: str
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)


def is_sav(data: bytes, name: str | None) -> bool:
    """An SPSS system file, by its content (magic bytes) or else by its name."""
    return data[:4] in _SAV_MAGIC or (name is not None and Path(name).suffix.lower() in _SAV_SUFFIXES)


def read_response_file(file: str | Path | bytes, *, name: str | None = None, encoding: str = "auto",
                       sheet: str | None = None) -> ResponseTable:
    """Read a CSV (UTF-8, UTF-8 with BOM, CP949), XLSX or SPSS .sav response file.

    Parameters
    ----------
    file : str, Path or bytes
        A path, or the file's content.
    name : str, optional
        The file's name (for an upload), used when the content does not tell the format.
    encoding : str
        For CSV (see :func:`~cxm.customers.importing.readers.read_table`); a .sav file
        records its own encoding.
    sheet : str, optional
        For XLSX only.

    Raises
    ------
    ImportFailed
        When the file cannot be read, with where it broke.
    """
    if isinstance(file, (str, Path)):
        name = name or Path(file).name
        data = Path(file).read_bytes()
    else:
        data = bytes(file)
    if is_sav(data, name):
        if sheet:
            raise ImportFailed([make_issue("sheet_not_workbook")])
        return _read_sav(data)
    table = read_table(data, encoding=encoding, sheet=sheet, file_format=_format_from_name(name))
    return ResponseTable(table=table, file_format="xlsx" if table.sheet is not None else "csv")


def _format_from_name(name: str | None):
    """Let the shared reader's content sniffing decide, except for a name that says XLSX."""
    if name and Path(name).suffix.lower() in {".xlsx", ".xlsm"}:
        return "xlsx"
    if name and Path(name).suffix.lower() == ".xls":
        raise ImportFailed([make_issue("old_xls")])
    return None


def _read_sav(data: bytes) -> ResponseTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(data), output_format="polars")
    except Exception as exc:  # pyreadstat raises its own error types, and OSError/ValueError
        raise ImportFailed([make_issue("bad_sav", detail=str(exc).strip() or type(exc).__name__)]) from None
    headers = list(frame.columns)
    body = frame.select([_as_text(frame.get_column(h)).alias(f"c{i}") for i, h in enumerate(headers)])
    body = body.with_row_index(ROW, offset=2)
    value_labels = {
        column: {_value_text(value): str(label) for value, label in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    column_labels = {h: str(label) for h, label in zip(meta.column_names, meta.column_labels or []) if label}
    if not headers or frame.width == 0:
        raise ImportFailed([make_issue("empty_file")])
    table = table_from_cells(headers, body, encoding=meta.file_encoding)
    return ResponseTable(table=table, file_format="sav", value_labels=value_labels, column_labels=column_labels)


def _as_text(column: pl.Series) -> pl.Expr:
    """One SPSS variable as text cells, column at once (whole numbers without ".0")."""
    col = pl.lit(column)
    dtype = column.dtype
    if dtype.is_float():
        finite = col.fill_nan(None)
        whole = finite.round(0) == finite
        return (pl.when(whole & (finite.abs() < 1e15)).then(finite.cast(pl.Int64).cast(pl.String))
                .otherwise(finite.cast(pl.String)))
    if dtype == pl.Date:
        return col.dt.to_string("%Y-%m-%d")
    if dtype == pl.Datetime:
        return col.dt.to_string("%Y-%m-%d %H:%M:%S")
    return col.cast(pl.String)


def _value_text(value: object) -> str:
    """A value-label key written the way :func:`_as_text` writes the cell (1.0 -> "1")."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
