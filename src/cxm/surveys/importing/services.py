"""Import survey responses from a CSV, XLSX or SPSS .sav file into a wave, all or nothing.

The pipeline is the one of :mod:`cxm.customers.importing.services`: read the file as text,
map its columns (by item code and the usual attribute headers, or ``ITEM=Column``), check
every cell at once, look the codes up through the access rules, then either refuse the whole
file with every problem (row, column, value, reason) or write everything in one transaction.

What is specific to responses:

- the fields are the wave questionnaire's items (competitor items as prefix + code), each
  checked against its own scale, plus the respondent attributes and comments
  (:mod:`.schema`);
- a coded branch, segment or channel column of an SPSS file is read through its value
  labels (``1 -> "B01"`` or ``1 -> "강남점"``); a branch is found by its code, else by its
  Korean or English name. All value and variable labels of the file are stored with the
  import record (:class:`~.models.ResponseImport`), item codes stay numbers in the answers;
- a respondent id may appear once per wave (in the file and across earlier imports);
- in an anonymous wave no response may name a customer;
- a blank segment of a known customer is the customer's segment, as in the public form;
- every imported response is an ordinary :class:`~cxm.surveys.models.Response`, so it
  counts on the CSI page exactly like one given through the public link. An import opens
  no closed-loop cases: the answers were collected elsewhere, often long ago;
- the import is recorded (who, when, file, format, rows, mapping, labels) and that record
  is audited.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.bulk import bulk_writer
from cxm.core.exceptions import AccessDenied
from cxm.customers.importing.issues import ImportFailed, ImportIssue, ImportResult, make_issue
from cxm.customers.importing.lookups import distinct, lookup, units_frame
from cxm.customers.importing.readers import ROW
from cxm.customers.importing.schema import normalise_header, resolve_columns
from cxm.customers.importing.services import ImportOptions
from cxm.customers.importing.validate import (
    check_cells,
    check_new,
    check_reference,
    check_unique,
    problems_to_issues,
    raw,
)
from cxm.customers.models import Channel, Customer
from cxm.org.access import can_import, restrict
from cxm.org.models import OrgUnit
from cxm.surveys.models import Response, Wave

from .models import ImportedResponse, ResponseImport
from .readers import ResponseTable, read_response_file
from .schema import attribute_schema, comment_fields, rated_items, response_schema
from .validate import check_items

logger = logging.getLogger(__name__)

Source = str | Path | bytes

#: Attributes whose SPSS value labels replace the codes (what a label names is what is looked up).
LABELLED_ATTRIBUTES = ("branch", "segment", "channel")


def responses_import(*, file: Source, wave: Wave, user, mapping: Mapping[str, str] | None = None,
                     options: ImportOptions | None = None) -> ImportResult:
    """Import the responses of a file into ``wave``, all or nothing.

    Parameters
    ----------
    file : str, Path or bytes
        The file (.csv UTF-8/UTF-8 with BOM/CP949, .xlsx, .sav), or its content; for content,
        give the file name as ``options.source_name`` so that the format is known.
    wave : Wave
        The wave the answers belong to; its questionnaire defines the item columns.
    user : User
        The importing user: needs :func:`cxm.org.access.can_import`; every row's branch
        must be in this user's scope and every customer visible to them.
    mapping : dict of str to str, optional
        Item code or attribute -> source column header (e.g. ``{"A11": "Q1_1"}``). Items
        and attributes not mapped are found by their own name or a usual header.
    options : ImportOptions, optional
        Encoding, sheet, limits and the file's name.

    Returns
    -------
    ImportResult
        ``entity == "responses"``, ``created == {"responses": n}``; the mapping used and
        the columns left unused. The import record is a :class:`~.models.ResponseImport`.

    Raises
    ------
    AccessDenied
        If ``user`` may not import.
    ImportFailed
        With every problem found (row, column, value, reason); nothing was written.
    """
    options = options or ImportOptions()
    if not can_import(user):
        raise AccessDenied(_("You may not import data."))
    questionnaire = wave.questionnaire.parsed()
    source_name = options.source_name or (Path(file).name if isinstance(file, (str, Path)) else None)
    source = read_response_file(file, name=source_name, encoding=options.encoding, sheet=options.sheet)
    table = source.table
    schema = response_schema(questionnaire)
    positions, issues = resolve_columns(schema, table.headers, mapping,
                                        [table.letter(i) for i in range(len(table.headers))])
    issues = _at_header(issues, schema.names, mapping)
    items = [i for i in rated_items(questionnaire) if i.code in positions]
    if not items:
        codes = [i.code for i in rated_items(questionnaire)]
        shown = ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")
        issues.append(make_issue("no_item_columns", row=1, items=shown))
    if issues:
        raise ImportFailed(issues)
    if table.frame.height == 0:
        raise ImportFailed([make_issue("no_rows", row=2)])

    cells = _cells(source, schema.names, positions)
    typed, problems = check_cells(cells, attribute_schema(questionnaire), today=timezone.localdate())
    answers, item_problems = check_items(cells, items)
    typed = typed.join(answers, on=ROW, how="left", maintain_order="left")
    typed, more = _check_references(typed, wave=wave, user=user)
    problems = pl.concat([problems, item_problems, *more], how="vertical")
    if problems.height:
        headers = {name: table.headers[i] for name, i in positions.items()}
        found, total = problems_to_issues(problems, headers, positions, options.max_issues)
        raise ImportFailed(found, total=total)

    columns = {name: table.headers[positions[name]] for name in schema.names if name in positions}
    try:
        with transaction.atomic():
            with acting_as(user):
                record = ResponseImport.objects.create(
                    wave=wave, user=user, source_name=(source_name or "")[:255], file_format=source.file_format,
                    encoding=table.encoding or "", sheet=table.sheet or "", rows=table.frame.height,
                    columns=columns, value_labels=source.value_labels, column_labels=source.column_labels,
                )
            created = _write(typed, record=record, items=[i.code for i in items],
                             comments=comment_fields(questionnaire), batch_size=options.batch_size)
    except IntegrityError as exc:
        # Most likely the same respondents were imported meanwhile; nothing of ours was kept.
        logger.exception("response import refused by the database (source: %s)", source_name)
        raise ImportFailed([], message=_(
            "The database refused the import, perhaps because a record was added meanwhile; nothing was "
            "imported. Check the file and try again."
        )) from exc
    return ImportResult(
        entity="responses", rows_read=table.frame.height, created={"responses": created}, columns=columns,
        unused_columns=tuple(h for i, h in enumerate(table.headers) if h and i not in positions.values()),
    )


def _at_header(issues: list[ImportIssue], names: list[str], mapping: Mapping[str, str] | None) -> list[ImportIssue]:
    """Unknown mapping targets are reported on the header row, at the column they name.

    :func:`resolve_columns` reports them in the mapping's order, one issue each, with no place.
    """
    known = {normalise_header(n) for n in names}
    unknown = iter([t for t in (mapping or {}) if t not in names and normalise_header(t) not in known])
    placed = []
    for issue in issues:
        target = next(unknown, None) if issue.code == "unknown_field" else None
        placed.append(replace(issue, row=1, column=mapping[target], value=target) if target else issue)
    return placed


def _cells(source: ResponseTable, names: list[str], positions: dict[str, int]) -> pl.DataFrame:
    """Row number and one text column per field; labelled attribute codes replaced by their labels."""
    table = source.table
    columns = [pl.col(ROW)]
    for name in names:
        if name not in positions:
            columns.append(pl.lit(None, dtype=pl.String).alias(raw(name)))
            continue
        cell = pl.col(f"c{positions[name]}")
        labels = source.value_labels.get(table.headers[positions[name]])
        if name in LABELLED_ATTRIBUTES and labels:
            cell = cell.replace(labels)
        columns.append(cell.alias(raw(name)))
    return table.frame.select(columns)


# --- look-ups ----------------------------------------------------------------------------------


def _by_code_or_name(model, keys: list[str], fields: tuple[str, ...]) -> tuple[dict[str, tuple], set[str]]:
    """Rows of ``model`` by code, else by Korean or English name; and the names that are not unique.

    Loops over the distinct keys of the file (a few hundred branch codes at most), not its rows.
    """
    rows = lookup(lambda chunk: model.objects.filter(Q(code__in=chunk) | Q(name_ko__in=chunk) | Q(name_en__in=chunk)),
                  keys, ("code", "name_ko", "name_en", *fields))
    found: dict[str, tuple] = {}
    by_name: dict[str, dict] = {}
    for code, name_ko, name_en, *rest in rows:
        found[code] = tuple(rest)
        for name in {name_ko, name_en} - {""}:
            by_name.setdefault(name, {})[rest[0]] = tuple(rest)
    ambiguous = set()
    for name, matches in by_name.items():
        if name in found:
            continue  # a code wins over a name
        if len(matches) == 1:
            found[name] = next(iter(matches.values()))
        else:
            ambiguous.add(name)
    return {k: v for k, v in found.items() if k in set(keys)}, ambiguous & set(keys)


def _branches(user, keys: list[str]) -> tuple[pl.DataFrame, set[str]]:
    found, ambiguous = _by_code_or_name(OrgUnit, keys, ("id", "kind"))
    return units_frame(found, user), ambiguous


def respondent_key(wave: Wave, respondent_id: str) -> str:
    """What is stored of a respondent id in an anonymous wave: a keyed hash (HMAC-SHA256 with the
    site's secret key), enough to refuse the same respondent twice, never the id itself (which
    is often an employee or customer number and would tie the answer to a person)."""
    import hashlib
    import hmac

    from django.conf import settings

    digest = hmac.new(settings.SECRET_KEY.encode(), f"{wave.pk}:{respondent_id}".encode(), hashlib.sha256)
    return "anon:" + digest.hexdigest()[:40]


def _check_references(typed: pl.DataFrame, *, wave: Wave, user) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    if wave.anonymous:
        # One hash per distinct id (a few thousand at most); the problems still quote the file's text.
        keys = {rid: respondent_key(wave, rid) for rid in distinct(typed, "respondent_id")}
        typed = typed.with_columns(pl.col("respondent_id").replace_strict(keys, default=None, return_dtype=pl.String))
    problems = [check_unique(typed, "respondent_id")]
    given_ids = distinct(typed, "respondent_id")
    # Not restricted by scope: a respondent id names one respondent of the whole wave.
    imported = lookup(lambda chunk: ImportedResponse.objects.filter(wave=wave, respondent_id__in=chunk), given_ids,
                      ("respondent_id",))
    problems.append(check_new(typed, "respondent_id",
                              pl.Series("respondent_id", [i for (i,) in imported], dtype=pl.String))
                    .with_columns(pl.lit("respondent_exists").alias("code")))

    units, ambiguous = _branches(user, distinct(typed, "branch"))
    typed, found = check_reference(typed, "branch", units, unknown_code="unknown_branch", id_column="org_unit_id")
    problems.append(found.with_columns(
        pl.when(pl.col("value").is_in(list(ambiguous)) & (pl.col("code") == "unknown_branch"))
        .then(pl.lit("ambiguous_branch")).otherwise(pl.col("code")).alias("code")))

    channels, _ = _by_code_or_name(Channel, distinct(typed, "channel"), ("id",))
    known = pl.DataFrame({"key": list(channels), "id": [i for (i,) in channels.values()]},
                         schema={"key": pl.String, "id": pl.Int64})
    typed, found = check_reference(typed, "channel", known, unknown_code="unknown_channel", id_column="channel_id")
    problems.append(found)

    if wave.anonymous:
        problems.append(typed.filter(pl.col("customer_no").is_not_null()).select(
            pl.col(ROW), pl.lit("customer_no").alias("field"), pl.col(raw("customer_no")).alias("value"),
            pl.lit("customer_in_anonymous_wave").alias("code"), pl.lit(None, dtype=pl.String).alias("param"),
        ))
        typed = typed.with_columns(pl.lit(None, dtype=pl.Int64).alias("customer_id"))
    else:
        # Personal data: a customer the user may not see is reported like a missing one.
        customers = lookup(lambda chunk: restrict(Customer.objects.filter(customer_no__in=chunk), user),
                           distinct(typed, "customer_no"), ("customer_no", "id", "segment"))
        known = pl.DataFrame(customers, schema={"key": pl.String, "id": pl.Int64, "_segment": pl.String},
                             orient="row")
        typed, found = check_reference(typed, "customer_no", known, unknown_code="unknown_customer",
                                       id_column="customer_id")
        # As in the public form, a known customer brings their segment unless the file gives one.
        typed = typed.with_columns(pl.coalesce("segment", pl.col("_segment").replace("", None)).alias("segment"))
        problems.append(found)
    return typed, problems


# --- writing -----------------------------------------------------------------------------------


def _json_object(members: dict[str, pl.Expr]) -> pl.Expr:
    """One JSON object a row of the members that are not null (key -> the member's JSON text)."""
    parts = [pl.concat_str(pl.lit(f"{json.dumps(key)}: "), value) for key, value in members.items()]
    return pl.concat_str(pl.lit("{"), pl.concat_str(parts, separator=", ", ignore_nulls=True), pl.lit("}"))


def _json_text(column: str) -> pl.Expr:
    """``column`` as a JSON string (quoted and escaped by polars' JSON writer)."""
    return pl.struct(pl.col(column).alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")


def _write(typed: pl.DataFrame, *, record: ResponseImport, items: list[str], comments: dict[str, str],
           batch_size: int) -> int:
    """Create the responses and their import links with the bulk writer; returns how many.

    The rows are built column at once: answers and comments as JSON text (blank answers and
    comments left out, as the public form stores them), and a response date without a time
    taken at noon of the site's time zone, so it stays the same day in any time zone.
    """
    writer = bulk_writer(connection, batch_rows=batch_size)
    wave = record.wave
    ids = writer.new_ids(Response, typed.height)
    language = pl.col("language")
    responses = typed.select(
        ids.alias("id"), pl.lit(wave.pk, pl.Int64).alias("wave_id"), "org_unit_id", "channel_id", "customer_id",
        pl.col("segment").fill_null(""), pl.col("competitor_name").fill_null(""),
        pl.when(language.is_null() | (language == "")).then(pl.lit("ko")).otherwise(language).alias("language"),
        (pl.col("submitted_on").cast(pl.Datetime("us")) + pl.duration(hours=12))
        .dt.replace_time_zone(timezone.get_current_timezone_name()).dt.convert_time_zone("UTC")
        .fill_null(pl.lit(timezone.now(), pl.Datetime("us", "UTC"))).alias("submitted_at"),
        _json_object({code: pl.col(code).cast(pl.String) for code in items}).alias("answers"),
        _json_object({key: pl.when(pl.col(field) != "").then(_json_text(field)) for field, key in comments.items()})
        .alias("comments"),
    )
    writer.write(Response, responses)
    writer.write(ImportedResponse, typed.select(
        ids.alias("response_id"), pl.lit(record.pk, pl.Int64).alias("batch_id"),
        pl.lit(wave.pk, pl.Int64).alias("wave_id"), pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.col("respondent_id").fill_null(""),
    ))
    return responses.height
