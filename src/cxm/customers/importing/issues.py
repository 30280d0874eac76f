"""What an import reports: one :class:`ImportIssue` per bad cell, and the exception that carries them.

Messages are module constants (``gettext_lazy``) so that they are translated when the issue
is built, in the language active then, and so that tests and scripts can rely on the stable
``code`` of an issue rather than on its wording.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxm.core.exceptions import ApplicationError

#: At most this many issues are kept (sorted by row); the total is always counted.
MAX_ISSUES = 1000

# code -> message (English msgids; Korean in locale/ko). Placeholders are named.
MESSAGES: dict[str, Promise] = {
    # cell values
    "required": _("A value is required."),
    "too_long": _("Too long: at most %(max)s characters."),
    "not_integer": _("Not a whole number."),
    "too_small": _("Must be at least %(min)s."),
    "too_large": _("Must be at most %(max)s."),
    "bad_date": _("Not a date: write it as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD."),
    "impossible_date": _("No such day in the calendar."),
    "future_date": _("The date is in the future (today is %(today)s)."),
    "bad_boolean": _("Not a yes/no value: use true/false, yes/no, 1/0, Y/N or 예/아니오."),
    "bad_choice": _("Not one of the allowed values: %(choices)s."),
    "bad_email": _("Not a valid e-mail address."),
    # identities and references
    "duplicate_in_file": _("Duplicate: the same value is already on row %(first_row)s."),
    "already_exists": _("Already exists in the database (imports only add new records)."),
    "unknown_unit": _("Unknown org unit code."),
    "unit_not_visible": _("This org unit is outside the units you may import into."),
    "unit_not_branch": _("Must be a branch or store, not a %(kind)s."),
    "unknown_channel": _("Unknown channel code."),
    "unknown_product": _("Unknown SKU."),
    "unknown_customer": _("Unknown customer number (or a customer you may not see)."),
    "header_disagrees": _("Differs from row %(first_row)s of the same transaction: all lines of a transaction "
                          "must agree on it."),
    # the columns
    "unknown_field": _("There is no field “%(field)s” to map. The fields are: %(fields)s."),
    "unknown_column": _("The file has no column “%(header)s” (mapped to “%(field)s”). "
                        "Its columns are: %(columns)s."),
    "missing_column": _("No column for the required field “%(field)s”: name a column so, or map one to it. "
                        "The file's columns are: %(columns)s."),
    "ambiguous_column": _("Several columns could be the field “%(field)s” (%(candidates)s): map one explicitly."),
    "duplicate_header": _("This column header appears more than once (columns %(positions)s)."),
    # the file as a whole
    "ragged_row": _("This row has %(cells)s cells but the header has only %(columns)s columns."),
    "bad_csv": _("The CSV file cannot be parsed: %(detail)s"),
    "not_utf8_looks_cp949": _("Not valid UTF-8 at line %(line)s (byte offset %(offset)s). The file looks like "
                              "CP949 (Korean Excel's CSV): import it with --encoding cp949."),
    "not_decodable": _("Not valid %(encoding)s at line %(line)s (byte offset %(offset)s)."),
    "neither_utf8_nor_cp949": _("The file is neither UTF-8 nor CP949: undecodable bytes at line %(line)s "
                                "(byte offset %(offset)s). Save it again as “CSV UTF-8”."),
    "is_utf8": _("The file is UTF-8, not %(encoding)s: import it with --encoding utf-8 (or auto)."),
    "unknown_encoding": _("Unknown encoding “%(encoding)s”."),
    "bad_workbook": _("The file is not a readable XLSX workbook: %(detail)s"),
    "unknown_sheet": _("The workbook has no sheet “%(sheet)s”. Its sheets are: %(sheets)s."),
    "sheet_not_csv": _("A sheet can only be chosen in an XLSX workbook, not in a CSV file."),
    "old_xls": _("Old .xls workbooks are not supported: save the file as .xlsx or CSV."),
    "empty_file": _("The file is empty: the first row must hold the column headers."),
    "no_rows": _("The file has a header but no data rows."),
}

#: For the per-cell codes, the name of the one placeholder whose value comes with each row.
ROW_PARAM: dict[str, str] = {
    "too_long": "max", "too_small": "min", "too_large": "max", "future_date": "today", "bad_choice": "choices",
    "duplicate_in_file": "first_row", "unit_not_branch": "kind", "header_disagrees": "first_row",
}


def register_messages(messages: dict[str, Promise], row_params: dict[str, str] | None = None) -> None:
    """Add the reason codes of another importer (e.g. survey responses) to :data:`MESSAGES`.

    Parameters
    ----------
    messages : dict of str to lazy str
        New code -> message; a code that already exists with another message is refused, so
        that two importers cannot silently change each other's reasons.
    row_params : dict of str to str, optional
        For per-cell codes, the placeholder filled from each problem row (see :data:`ROW_PARAM`).
    """
    clashes = [code for code, message in messages.items() if code in MESSAGES and MESSAGES[code] is not message]
    if clashes:
        raise ValueError(f"import reason codes already registered: {clashes}")
    MESSAGES.update(messages)
    ROW_PARAM.update(row_params or {})


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an import file.

    Attributes
    ----------
    row : int or None
        Spreadsheet row number: the header is row 1, the first data row is row 2. None for
        a problem with the file as a whole (an unreadable workbook, an unknown sheet).
    column : str or None
        The header of the source column, as written in the file (None when no column applies).
    value : str or None
        The offending cell text, as read.
    reason : str
        Human-readable, translated explanation.
    code : str
        Stable machine-readable reason (a key of :data:`MESSAGES`), for scripts and tests.
    """

    row: int | None
    column: str | None
    value: str | None
    reason: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_issue(code: str, *, row: int | None = None, column: str | None = None, value: str | None = None,
               **params: Any) -> ImportIssue:
    """Build an issue with the message for ``code`` translated into the active language.

    Parameters
    ----------
    code : str
        A key of :data:`MESSAGES`.
    row, column, value
        Where the problem is (see :class:`ImportIssue`).
    **params
        Values for the message's named placeholders.
    """
    message = str(MESSAGES[code])
    return ImportIssue(row=row, column=column, value=value, reason=message % params if params else message, code=code)


class ImportFailed(ApplicationError):
    """The file was refused; nothing was written.

    Attributes
    ----------
    issues : list of ImportIssue
        The first :data:`MAX_ISSUES` issues, in row order.
    total : int
        How many issues were found in all (may exceed ``len(issues)``).
    """

    def __init__(self, issues: list[ImportIssue], *, total: int | None = None, message: str | None = None):
        total = len(issues) if total is None else total
        if message is None:
            message = ngettext(
                "The file has %(count)d problem; nothing was imported.",
                "The file has %(count)d problems; nothing was imported.",
                total,
            ) % {"count": total}
        super().__init__(message, {"total": total, "issues": [i.as_dict() for i in issues]})
        self.issues = issues
        self.total = total


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote.

    Attributes
    ----------
    entity : str
        ``"customers"``, ``"products"`` or ``"transactions"``.
    rows_read : int
        Data rows read from the file (blank rows are not counted).
    created : dict of str to int
        Objects created per kind, e.g. ``{"transactions": 10, "transaction_lines": 25}``.
    columns : dict of str to str
        The mapping used: target field -> source column header.
    unused_columns : tuple of str
        Columns of the file that no field used.
    """

    entity: str
    rows_read: int
    created: dict[str, int]
    columns: dict[str, str] = field(default_factory=dict)
    unused_columns: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unused_columns"] = list(self.unused_columns)
        return data
