"""Reading CSV and XLSX files into a frame of strings, one column per source column.

Every cell is read as text (or None when blank) so that the validation can say, cell by
cell, what is wrong with it; typing happens later (:mod:`.validate`). Row numbers are the
ones a spreadsheet shows: the header is row 1, the first data row is row 2, and blank rows
keep their number (they are dropped, not renumbered).

Encodings: Korean Excel writes "CSV" in CP949 and "CSV UTF-8" with a byte-order mark, so
``encoding="auto"`` accepts UTF-8 with or without BOM, and falls back to CP949 only when the
bytes are not UTF-8 and do not look like UTF-8 with a damaged byte. Anything that decodes
as neither is refused with the line and byte offset of the first bad byte: nothing is ever
decoded "with replacement".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Literal

import polars as pl

from .issues import ImportFailed, ImportIssue, make_issue

FileFormat = Literal["csv", "xlsx"]

ROW = "__row__"  # the spreadsheet row number column of every frame in this package

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"

# In text decoded with "surrogateescape": an undecodable byte, and a well-formed non-ASCII character.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII_CHAR = re.compile("[^\x00-\x7f\udc80-\udcff]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class RawTable:
    """A sheet as text.

    Attributes
    ----------
    headers : list of str
        The header cells (row 1), stripped; ``""`` for a column without header.
    frame : polars.DataFrame
        Column ``__row__`` (spreadsheet row number) and ``c0`` .. ``c{n-1}`` (String, None
        for blank cells, surrounding white space removed), one row per non-blank data row.
    encoding : str or None
        The encoding a CSV file was decoded with (None for XLSX).
    sheet : str or None
        The sheet an XLSX workbook was read from (None for CSV).
    positions : tuple of int
        0-based position in the file of each header (unnamed empty columns are dropped).
    """

    headers: list[str]
    frame: pl.DataFrame
    encoding: str | None = None
    sheet: str | None = None
    positions: tuple[int, ...] = ()

    def letter(self, index: int) -> str:
        """The spreadsheet letter (A, B, ..., AA) of ``headers[index]`` in the file."""
        from openpyxl.utils import get_column_letter

        position = self.positions[index] if self.positions else index
        return get_column_letter(position + 1)


def read_table(file: str | Path | bytes, *, encoding: str = "auto", sheet: str | None = None,
               file_format: FileFormat | None = None) -> RawTable:
    """Read a CSV or XLSX file into a :class:`RawTable` of strings.

    Parameters
    ----------
    file : str, Path or bytes
        A path, or the file's content.
    encoding : str
        For CSV: ``"auto"`` (UTF-8 with or without BOM, else CP949), or a codec name such as
        ``"utf-8"`` or ``"cp949"``. Ignored for XLSX (a workbook knows its encoding).
    sheet : str, optional
        For XLSX: the sheet to read (default: the first worksheet).
    file_format : {"csv", "xlsx"}, optional
        Default: from the file name's extension, else from the content.

    Returns
    -------
    RawTable

    Raises
    ------
    ImportFailed
        When the file cannot be decoded or parsed, with the row and byte offset where it broke.
    """
    name = None
    if isinstance(file, (str, Path)):
        name = Path(file).name
        data = Path(file).read_bytes()
    else:
        data = bytes(file)
    kind = file_format or _guess_format(data, name)
    if kind == "xlsx":
        return _read_xlsx(data, sheet)
    if sheet:
        raise ImportFailed([make_issue("sheet_not_csv")])
    return _read_csv(data, encoding)


def _guess_format(data: bytes, name: str | None) -> FileFormat:
    suffix = Path(name).suffix.lower() if name else ""
    if suffix == ".xls" or data.startswith(_XLS_MAGIC):
        raise ImportFailed([make_issue("old_xls")])
    if data.startswith(_XLSX_MAGIC) or suffix in {".xlsx", ".xlsm"}:
        # The content wins over the name: a zip is never a CSV (a workbook renamed to .csv).
        return "xlsx"
    return "csv"


# --- CSV -------------------------------------------------------------------------------------


def decode_csv(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Decode CSV bytes strictly; return ``(text, encoding used)``.

    Parameters
    ----------
    data : bytes
        The file's content.
    encoding : str
        ``"auto"`` or a codec name (see :func:`read_table`).

    Raises
    ------
    ImportFailed
        With one issue naming the row, line and byte offset of the first undecodable byte
        and, where the bytes fit another encoding, which one to use.
    """
    try:
        codec = "auto" if encoding.lower() == "auto" else codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed([make_issue("unknown_encoding", encoding=encoding)]) from None
    if codec == "auto":
        return _decode_auto(data)
    if codec in {"utf-8", "utf-8-sig"}:
        try:
            return _strip_bom(data).decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            looks_cp949 = not _looks_like_damaged_utf8(data) and _decodes(data, "cp949")
            code = "not_utf8_looks_cp949" if looks_cp949 else "not_decodable"
            raise _decode_failure(data, "utf-8", exc.start, code, encoding="UTF-8") from None
    if codec in {"cp949", "euc_kr"} and _has_high_bytes(data) and _decodes(_strip_bom(data), "utf-8"):
        # Every UTF-8 Korean text is also "valid" CP949, as mojibake: refuse rather than garble.
        raise ImportFailed([make_issue("is_utf8", encoding=encoding)])
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise _decode_failure(data, codec, exc.start, "not_decodable", encoding=encoding) from None


def _decode_auto(data: bytes) -> tuple[str, str]:
    try:
        return _strip_bom(data).decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    if data.startswith(codecs.BOM_UTF8) or _looks_like_damaged_utf8(data):
        # A BOM, or well-formed UTF-8 but for a few bytes: a damaged UTF-8 file, not CP949.
        raise _decode_failure(data, "utf-8", utf8_error, "not_decodable", encoding="UTF-8")
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError as exc:
        cp949_error = exc.start
    # Neither: the encoding that reads further is the likelier one; say where it breaks.
    codec, offset = ("utf-8", utf8_error) if utf8_error >= cp949_error else ("cp949", cp949_error)
    raise _decode_failure(data, codec, offset, "neither_utf8_nor_cp949")


def _strip_bom(data: bytes) -> bytes:
    return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _has_high_bytes(data: bytes) -> bool:
    return _HIGH_BYTE.search(data) is not None


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """True when the bytes are well-formed UTF-8 but for a few: at least ten well-formed
    non-ASCII characters per undecodable byte.

    CP949 Hangul mostly starts with bytes 0xB0-0xC1, which can never start a UTF-8 sequence,
    so CP949 text has an undecodable byte for every two or three syllables and never passes.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(text))
    return bad > 0 and len(_NON_ASCII_CHAR.findall(text)) >= 10 * bad


def _decode_failure(data: bytes, codec: str, offset: int, code: str, **params: str) -> ImportFailed:
    """An :class:`ImportFailed` pointing at the row and column holding byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    row = _csv_row_of_line(data[:line_start], codec) if line > 1 else 1
    column = None
    if line > 1:
        # The failure is after the header, which therefore decoded: name the column.
        header_end = data.find(b"\n")
        header_bytes = _strip_bom(data[:header_end]) if codec.startswith("utf-8") else data[:header_end]
        header_text = header_bytes.decode(codec, errors="replace").rstrip("\r")
        headers = next(csv.reader([header_text], delimiter=_sniff_delimiter(header_text)), [])
        prefix = data[line_start:offset].decode(codec, errors="replace")
        fields = next(csv.reader([prefix], delimiter=_sniff_delimiter(header_text)), [])
        position = max(len(fields) - 1, 0)
        if position < len(headers):
            column = headers[position].strip()
    line_end = data.find(b"\n", offset)
    value = repr(data[offset:min(offset + 8, line_end if line_end >= 0 else len(data))].rstrip(b"\r"))[2:-1]
    issue = make_issue(code, row=row, column=column, value=value, line=line, offset=offset, **params)
    return ImportFailed([issue])


def _csv_row_of_line(before: bytes, codec: str) -> int:
    """Spreadsheet row of the line that starts after ``before`` (differs from the line number
    only when earlier cells span lines)."""
    text = before.decode(codec, errors="replace")
    try:
        parsed = pl.read_csv(text.encode(), has_header=False, infer_schema=False,
                             separator=_sniff_delimiter(text.split("\n", 1)[0]))
    except (pl.exceptions.PolarsError, ValueError):
        return before.count(b"\n") + 1
    return parsed.height + 1


def _sniff_delimiter(header_line: str) -> str:
    """Comma unless the header clearly uses semicolons or tabs (European Excel, TSV)."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _read_csv(data: bytes, encoding: str) -> RawTable:
    text, used = decode_csv(data, encoding)
    if not text.strip():
        raise ImportFailed([make_issue("empty_file")])
    separator = _sniff_delimiter(text.split("\n", 1)[0])
    try:
        table = pl.read_csv(text.encode(), has_header=False, infer_schema=False,
                            separator=separator, quote_char='"', raise_if_empty=False)
    except pl.exceptions.PolarsError as exc:
        raise ImportFailed(_csv_problems(text, separator, exc)) from None
    header_row = table.row(0)
    body = table.slice(1).with_row_index(ROW, offset=2)
    return _finish(list(header_row), body.rename({f"column_{i}": f"c{i}" for i in range(table.width)}), used, None)


def _csv_problems(text: str, separator: str, exc: Exception) -> list[ImportIssue]:
    """Locate what polars refused, with Python's csv module (only on this error path)."""
    issues: list[ImportIssue] = []
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    width = None
    try:
        for row_number, cells in enumerate(reader, start=1):
            if width is None:
                width = len(cells)
            elif len(cells) > width and any(c.strip() for c in cells[width:]):
                issues.append(make_issue("ragged_row", row=row_number, cells=len(cells), columns=width))
                if len(issues) >= 100:
                    break
    except csv.Error as error:
        issues.append(make_issue("bad_csv", row=reader.line_num, detail=str(error)))
    if not issues:
        issues.append(make_issue("bad_csv", detail=str(exc).split("\n", 1)[0]))
    return issues


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, sheet: str | None) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFailed([make_issue("bad_workbook", detail=str(exc))]) from None
    try:
        names = workbook.sheetnames
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in names:
            worksheet = workbook[sheet]
        else:
            raise ImportFailed([make_issue("unknown_sheet", sheet=sheet, sheets=", ".join(names))])
        # Reading cells is openpyxl's own per-row loop; everything after it is columnar.
        rows = list(worksheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows or not any(v is not None and str(v).strip() for v in rows[0]):
        raise ImportFailed([make_issue("empty_file")])
    columns = list(zip_longest(*rows, fillvalue=None))
    frame = pl.DataFrame({f"c{i}": [_cell_text(v) for v in col[1:]] for i, col in enumerate(columns)},
                         schema={f"c{i}": pl.String for i in range(len(columns))})
    headers = [_cell_text(col[0]) for col in columns]
    return _finish(headers, frame.with_row_index(ROW, offset=2), None, worksheet.title)


def _cell_text(value: object) -> str | None:
    """An XLSX cell as text; date cells become ISO dates, whole floats become integers."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- both ------------------------------------------------------------------------------------


def table_from_cells(headers: list[str | None], body: pl.DataFrame, *, encoding: str | None = None,
                     sheet: str | None = None) -> RawTable:
    """A :class:`RawTable` from cells read by another reader (e.g. an SPSS file).

    Parameters
    ----------
    headers : list of str or None
        The column headers, in file order.
    body : polars.DataFrame
        ``__row__`` (spreadsheet-style row number, first data row 2) and String columns
        ``c0`` .. ``c{n-1}``, one per header.
    encoding, sheet
        Recorded on the table as read.

    Returns
    -------
    RawTable
        Cells trimmed, blanks None, blank rows and unnamed empty columns dropped, as for CSV.
    """
    return _finish(headers, body, encoding, sheet)


def _finish(headers: list[str | None], body: pl.DataFrame, encoding: str | None, sheet: str | None) -> RawTable:
    """Trim cells, turn blanks into None, drop blank rows and unnamed empty columns."""
    cells = [c for c in body.columns if c != ROW]
    body = body.with_columns(pl.col(ROW).cast(pl.Int64), *[
        pl.col(c).str.strip_chars().replace("", None).alias(c) for c in cells
    ])
    if cells:
        body = body.filter(pl.any_horizontal(pl.col(cells).is_not_null()))
    clean = [(h or "").replace("\ufeff", "").strip() for h in headers]
    keep = [i for i, h in enumerate(clean) if h or body.get_column(f"c{i}").null_count() < body.height]
    # Renumber columns so that c{i} is headers[i] again after unnamed empty columns went away.
    frame = body.select(pl.col(ROW), *[pl.col(f"c{i}").alias(f"c{j}") for j, i in enumerate(keep)])
    return RawTable(headers=[clean[i] for i in keep], frame=frame, encoding=encoding, sheet=sheet,
                    positions=tuple(keep))
