"""Vectorised validation: cell text -> typed columns, and a frame of problems.

Everything here is columnar polars: one expression per field and rule, evaluated over the
whole file at once; there is no Python loop over rows. Problems are collected in a
*problem frame* with the columns

    ``__row__`` (spreadsheet row), ``field``, ``value`` (the cell text), ``code`` (a key of
    :data:`~.issues.MESSAGES`) and ``param`` (the value of the message's placeholder, if any),

and only the first :data:`~.issues.MAX_ISSUES` of them become Python objects.

Each cell gets at most one cell-level problem (the first rule it breaks), and a cell with a
problem is None in the typed column, so that reference checks do not report it twice.

This module does not touch the database: the service looks up codes and hands the lookups
in as small frames.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .issues import MAX_ISSUES, ROW_PARAM, ImportIssue, make_issue
from .readers import ROW
from .schema import BOOLEAN_VALUES, INT64_MAX, EntitySchema, Field, Kind

PROBLEM_SCHEMA = {ROW: pl.Int64, "field": pl.String, "value": pl.String, "code": pl.String, "param": pl.String}

# ASCII digits only: Rust's \d also matches full-width and other Unicode digits.
_INTEGER = r"^[+-]?[0-9]+(\.0+)?$"
_INTEGER_THOUSANDS = r"^[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.0+)?$"
_TIME_SUFFIX = r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
_DATE_SEPARATED = (r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$|^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$"
                   r"|^[0-9]{4}\. ?[0-9]{1,2}\. ?[0-9]{1,2}\.?$")  # Korean Excel: "2025. 3. 1."
_DATE_COMPACT = r"^[0-9]{8}$"
_DATE_PARTS = r"^([0-9]{4})[^0-9]+([0-9]{1,2})[^0-9]+([0-9]{1,2})"
_EMAIL = (r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
          r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def raw(name: str) -> str:
    """The column holding the cell text of field ``name``."""
    return f"raw:{name}"


def _code(name: str) -> str:
    return f"code:{name}"


def _param(name: str) -> str:
    return f"param:{name}"


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def check_cells(frame: pl.DataFrame, schema: EntitySchema, *, today: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type and check every cell.

    Parameters
    ----------
    frame : polars.DataFrame
        ``__row__`` and one String column ``raw:<field>`` per field of ``schema`` (None for
        blank cells and for fields without a column).
    schema : EntitySchema
        The entity's fields.
    today : datetime.date
        Dates after it are refused where the field says ``not_future``.

    Returns
    -------
    typed : polars.DataFrame
        ``frame`` plus one typed column per field (named like the field; None where the
        cell has a problem, the field's default where it is blank).
    problems : polars.DataFrame
        The problem frame (see the module docstring).
    """
    checks = [(f, *_rules(f, today)) for f in schema.fields]
    checked = frame.with_columns(
        *[code.alias(_code(f.name)) for f, _, code, _ in checks],
        *[param.alias(_param(f.name)) for f, _, _, param in checks],
        *[typed.alias(f.name) for f, typed, _, _ in checks],
    )
    problems = pl.concat([
        checked.filter(pl.col(_code(f.name)).is_not_null()).select(
            pl.col(ROW), pl.lit(f.name).alias("field"), pl.col(raw(f.name)).alias("value"),
            pl.col(_code(f.name)).alias("code"), pl.col(_param(f.name)).alias("param"),
        )
        for f in schema.fields
    ], how="vertical")
    typed = checked.with_columns(*[
        pl.when(pl.col(_code(f.name)).is_null()).then(pl.col(f.name)).otherwise(None).alias(f.name)
        for f in schema.fields
    ]).drop([_code(f.name) for f in schema.fields] + [_param(f.name) for f in schema.fields])
    return typed, problems


def _rules(f: Field, today: dt.date) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(typed value, problem code, placeholder value) expressions for one field."""
    text = pl.col(raw(f.name))
    given = text.is_not_null()
    rules: list[tuple[pl.Expr, str, pl.Expr | None]] = []  # (mask, code, param), first match wins
    if f.required:
        rules.append((~given, "required", None))

    if f.kind is Kind.INTEGER:
        pattern = _INTEGER_THOUSANDS if f.thousands else _INTEGER
        well_formed = text.str.contains(pattern)
        number = text.str.replace_all(",", "").str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        upper = f.max_value if f.max_value is not None else INT64_MAX
        rules += [
            (given & ~well_formed, "not_integer", None),
            (well_formed & number.is_null(), "too_large", pl.lit(f"{upper:,}")),  # beyond 64 bits
        ]
        if f.min_value is not None:
            rules.append((number < f.min_value, "too_small", pl.lit(str(f.min_value))))
        if f.max_value is not None:
            rules.append((number > f.max_value, "too_large", pl.lit(f"{f.max_value:,}")))
        if f.max_this_year:
            rules.append((number > today.year, "too_large", pl.lit(str(today.year))))
        typed = number if f.default is None else number.fill_null(f.default)
    elif f.kind is Kind.DATE:
        plain = text.str.replace(_TIME_SUFFIX, "")
        compact = plain.str.contains(_DATE_COMPACT)
        well_formed = plain.str.contains(_DATE_SEPARATED) | compact
        year = pl.when(compact).then(plain.str.slice(0, 4)).otherwise(plain.str.extract(_DATE_PARTS, 1))
        month = pl.when(compact).then(plain.str.slice(4, 2)).otherwise(plain.str.extract(_DATE_PARTS, 2))
        day = pl.when(compact).then(plain.str.slice(6, 2)).otherwise(plain.str.extract(_DATE_PARTS, 3))
        iso = pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-")
        typed = iso.str.to_date("%Y-%m-%d", strict=False)
        rules += [
            (given & ~well_formed, "bad_date", None),
            (well_formed & typed.is_null(), "impossible_date", None),
        ]
        if f.not_future:
            rules.append((typed > pl.lit(today), "future_date", pl.lit(today.isoformat())))
    elif f.kind is Kind.BOOLEAN:
        typed = text.str.to_lowercase().replace_strict(BOOLEAN_VALUES, default=None, return_dtype=pl.Boolean)
        rules.append((given & typed.is_null(), "bad_boolean", None))
        typed = typed.fill_null(bool(f.default))
    elif f.kind is Kind.CHOICE:
        choices = dict(f.choices or {})
        typed = text.str.to_lowercase().replace_strict(choices, default=None, return_dtype=pl.String)
        allowed = ", ".join(choices)
        rules.append((given & typed.is_null(), "bad_choice", pl.lit(allowed)))
        typed = typed.fill_null(f.default) if f.default is not None else typed
    else:  # TEXT, EMAIL
        typed = text
        if f.max_length is not None:
            rules.append((text.str.len_chars() > f.max_length, "too_long", pl.lit(str(f.max_length))))
        if f.kind is Kind.EMAIL:
            rules.append((given & ~text.str.contains(_EMAIL), "bad_email", None))

    code, param = _first_match(rules)
    return typed, code, param


def _first_match(rules: list[tuple[pl.Expr, str, pl.Expr | None]]) -> tuple[pl.Expr, pl.Expr]:
    """(code, param) expressions of the first rule whose mask is true, else None."""
    code: pl.Expr = pl.lit(None, dtype=pl.String)
    param: pl.Expr = pl.lit(None, dtype=pl.String)
    for mask, name, value in reversed(rules):  # built inside out, so the first rule wins
        hit = mask.fill_null(False)
        code = pl.when(hit).then(pl.lit(name)).otherwise(code)
        param = pl.when(hit).then(value if value is not None else pl.lit(None, dtype=pl.String)).otherwise(param)
    return code, param


# --- rules across rows -----------------------------------------------------------------------


def check_unique(typed: pl.DataFrame, key: str) -> pl.DataFrame:
    """Rows whose ``key`` repeats an earlier row's, each pointing at the first occurrence.

    Parameters
    ----------
    typed : polars.DataFrame
        The typed frame from :func:`check_cells`.
    key : str
        The identifying field (``customer_no``, ``sku``).

    Returns
    -------
    polars.DataFrame
        A problem frame: one ``duplicate_in_file`` per repeated row (the first stays clean).
    """
    return typed.with_columns(pl.col(ROW).min().over(key).alias("__first")).filter(
        pl.col(key).is_not_null() & (pl.col(ROW) != pl.col("__first"))
    ).select(
        pl.col(ROW), pl.lit(key).alias("field"), pl.col(raw(key)).alias("value"),
        pl.lit("duplicate_in_file").alias("code"), pl.col("__first").cast(pl.String).alias("param"),
    )


def check_group_agreement(typed: pl.DataFrame, group: str, fields: tuple[str, ...]) -> pl.DataFrame:
    """Rows of a group (a transaction's lines) that disagree with its first row on ``fields``.

    Compared on typed values, so "2025-03-01" and "2025.3.1" agree; cells that are already
    wrong on their own (None in the typed column while the text is not blank) are skipped.

    Parameters
    ----------
    typed : polars.DataFrame
        The typed frame from :func:`check_cells`.
    group : str
        The field that groups rows (``txn_no``).
    fields : tuple of str
        The fields every row of a group must share.

    Returns
    -------
    polars.DataFrame
        A problem frame of ``header_disagrees``, each naming the group's first row.
    """
    typed = typed.with_columns(pl.col(ROW).min().over(group).alias("__first"))
    at_first = pl.col(ROW) == pl.col("__first")
    parts = []
    for name in fields:
        broken = pl.col(raw(name)).is_not_null() & pl.col(name).is_null()
        first_value = pl.col(name).filter(at_first).first().over(group)
        first_broken = broken.filter(at_first).first().over(group)
        disagrees = (pl.col(group).is_not_null() & ~at_first & ~broken & ~first_broken
                     & pl.col(name).ne_missing(first_value))
        parts.append(typed.filter(disagrees).select(
            pl.col(ROW), pl.lit(name).alias("field"), pl.col(raw(name)).alias("value"),
            pl.lit("header_disagrees").alias("code"), pl.col("__first").cast(pl.String).alias("param"),
        ))
    return pl.concat(parts, how="vertical") if parts else empty_problems()


def check_reference(typed: pl.DataFrame, field: str, known: pl.DataFrame, *, unknown_code: str,
                    id_column: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Look ``field`` up in ``known`` (columns ``key`` and ``id``, plus optional ``__visible``,
    ``__kind`` and ``__kind_label``); add its id as ``id_column`` and report what is not usable.

    Other columns of ``known`` are carried over to the result (e.g. a product's unit cost).

    Reported, in this order: unknown key (``unknown_code``); not visible to the importing user
    (``unit_not_visible``); not a branch (``unit_not_branch``, when ``__kind`` is given).

    Parameters
    ----------
    typed : polars.DataFrame
        The typed frame.
    field : str
        The field holding the code (``home_unit``, ``branch``, ``sku``...).
    known : polars.DataFrame
        What the database knows of those codes (one row per existing code).
    unknown_code : str
        Problem code for a code missing from ``known``.
    id_column : str
        Name of the added column with the matched primary key.

    Returns
    -------
    typed : polars.DataFrame
        ``typed`` with ``id_column`` (None where not found) and the extra columns of ``known``.
    problems : polars.DataFrame
        A problem frame.
    """
    lookup = known.rename({"key": field, "id": id_column})
    joined = typed.join(lookup, on=field, how="left", maintain_order="left")
    given = pl.col(field).is_not_null()
    rules: list[tuple[pl.Expr, str, pl.Expr | None]] = [(given & pl.col(id_column).is_null(), unknown_code, None)]
    if "__visible" in lookup.columns:
        rules.append((given & ~pl.col("__visible").fill_null(False), "unit_not_visible", None))
    if "__kind" in lookup.columns:
        rules.append((given & (pl.col("__kind") != "branch"), "unit_not_branch", pl.col("__kind_label")))
    code, param = _first_match(rules)
    joined = joined.with_columns(code.alias("__code"), param.alias("__param"))
    problems = joined.filter(pl.col("__code").is_not_null()).select(
        pl.col(ROW), pl.lit(field).alias("field"), pl.col(raw(field)).alias("value"),
        pl.col("__code").alias("code"), pl.col("__param").cast(pl.String).alias("param"),
    )
    meta = [c for c in ("__visible", "__kind", "__kind_label") if c in lookup.columns]
    return joined.drop(["__code", "__param", *meta]), problems


def check_new(typed: pl.DataFrame, key: str, existing: pl.Series, *, first_of_group: bool = False) -> pl.DataFrame:
    """Rows whose ``key`` already exists in the database.

    Parameters
    ----------
    typed : polars.DataFrame
        The typed frame.
    key : str
        The identifying field.
    existing : polars.Series
        The keys of this file that the database already holds.
    first_of_group : bool
        Report only the first row of each key (the lines of one transaction share theirs).

    Returns
    -------
    polars.DataFrame
        A problem frame of ``already_exists``.
    """
    clash = pl.col(key).is_in(existing.implode()) if existing.len() else pl.lit(False)
    if first_of_group:
        clash = clash & (pl.col(ROW) == pl.col(ROW).min().over(key))
    return typed.filter(clash).select(
        pl.col(ROW), pl.lit(key).alias("field"), pl.col(raw(key)).alias("value"),
        pl.lit("already_exists").alias("code"), pl.lit(None, dtype=pl.String).alias("param"),
    )


# --- from problems to issues -----------------------------------------------------------------


def problems_to_issues(problems: pl.DataFrame, columns: dict[str, str], order: dict[str, int],
                       limit: int = MAX_ISSUES) -> tuple[list[ImportIssue], int]:
    """The first ``limit`` problems (by row, then column order) as :class:`ImportIssue`.

    Parameters
    ----------
    problems : polars.DataFrame
        A problem frame.
    columns : dict of str to str
        Field -> source column header (what the issue names as its column).
    order : dict of str to int
        Field -> position of its column in the file, to sort issues of one row left to right.
    limit : int
        How many issues to build.

    Returns
    -------
    issues : list of ImportIssue
    total : int
        The number of problems in all.
    """
    problems = problems.unique(maintain_order=True)
    total = problems.height
    position = pl.col("field").replace_strict(order, default=len(order), return_dtype=pl.Int64)
    head = problems.with_columns(position.alias("_pos")).sort([ROW, "_pos"], maintain_order=True).head(limit)
    # Building the issues loops over at most ``limit`` rows, never over the file.
    issues = [
        make_issue(code, row=row, column=columns.get(field, field), value=value,
                   **({ROW_PARAM[code]: param} if code in ROW_PARAM else {}))
        for row, field, value, code, param in head.select(ROW, "field", "value", "code", "param").iter_rows()
    ]
    return issues, total
