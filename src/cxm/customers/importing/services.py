"""Import use cases: customers, products and transactions from CSV or XLSX, all or nothing.

Each import reads the file as text (:mod:`.readers`), maps its columns onto the entity's
fields (:mod:`.schema`), types and checks every cell at once (:mod:`.validate`), looks the
codes up in the database through the access rules, and then either refuses the whole file
with every problem found (:class:`ImportFailed`) or writes everything in one transaction
with ``bulk_create`` in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.exceptions import AccessDenied
from cxm.org.access import can_import, restrict
from cxm.org.models import OrgUnit

from ..models import Channel, Customer, Product, Transaction, TransactionLine
from .issues import MAX_ISSUES, ImportFailed, ImportResult, make_issue
from .lookups import distinct, lookup, units_frame
from .readers import ROW, FileFormat, RawTable, read_table
from .schema import CUSTOMERS, PRODUCTS, TRANSACTIONS, EntitySchema, resolve_columns
from .validate import (
    check_cells,
    check_group_agreement,
    check_new,
    check_reference,
    check_unique,
    problems_to_issues,
    raw,
)

Source = str | Path | bytes

logger = logging.getLogger(__name__)

#: Rows per INSERT batch.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file.

    Attributes
    ----------
    encoding : str
        CSV encoding: ``"auto"`` (UTF-8 with or without BOM, else CP949) or a codec name.
    sheet : str, optional
        XLSX sheet name (default: the first sheet).
    file_format : {"csv", "xlsx"}, optional
        Default: from the file name, else from the content.
    max_issues : int
        Report at most this many issues (all are counted).
    batch_size : int
        Rows per INSERT.
    source_name : str, optional
        Name of the file, recorded in the audit trail (default: the path's name).
    """

    encoding: str = "auto"
    sheet: str | None = None
    file_format: FileFormat | None = None
    max_issues: int = MAX_ISSUES
    batch_size: int = BATCH_SIZE
    source_name: str | None = None


def customers_import(*, file: Source, user, mapping: Mapping[str, str] | None = None,
                     options: ImportOptions | None = None) -> ImportResult:
    """Import new customers from a CSV or XLSX file, all or nothing.

    Parameters
    ----------
    file : str, Path or bytes
        The file, or its content.
    user : User
        The importing user: needs :func:`cxm.org.access.can_import`, and every row's
        ``home_unit`` must be a branch this user may see.
    mapping : dict of str to str, optional
        Target field -> source column header (e.g. ``{"customer_no": "고객번호"}``). Fields
        not mapped are looked up by their own name or a usual alias, case-insensitively.
    options : ImportOptions, optional
        Encoding, sheet and limits.

    Returns
    -------
    ImportResult
        ``created == {"customers": n}``. Every customer gets an audit entry with ``user``
        as the actor.

    Raises
    ------
    AccessDenied
        If ``user`` may not import.
    ImportFailed
        With every problem found (row, column, value, reason); nothing was written.
    """
    return _import(CUSTOMERS, file=file, user=user, mapping=mapping, options=options)


def products_import(*, file: Source, user, mapping: Mapping[str, str] | None = None,
                    options: ImportOptions | None = None) -> ImportResult:
    """Import new products from a CSV or XLSX file, all or nothing.

    Parameters and errors as :func:`customers_import`; ``created == {"products": n}``.
    Prices and costs are non-negative whole numbers of won ("12,000" is accepted).
    """
    return _import(PRODUCTS, file=file, user=user, mapping=mapping, options=options)


def transactions_import(*, file: Source, user, mapping: Mapping[str, str] | None = None,
                        options: ImportOptions | None = None) -> ImportResult:
    """Import new transactions, one row per line, from a CSV or XLSX file, all or nothing.

    The lines of one transaction share its ``txn_no`` and must agree on its header fields
    (customer, branch, channel, date, delivery days). A blank ``customer_no`` is an
    anonymous walk-in; otherwise the customer must exist and be visible to ``user``, as
    must the branch. A blank ``cost`` is ``quantity x`` the product's unit cost. The
    transaction's amount and cost are the sums of its lines.

    Parameters and errors as :func:`customers_import`;
    ``created == {"transactions": n, "transaction_lines": m}``.
    """
    return _import(TRANSACTIONS, file=file, user=user, mapping=mapping, options=options)


# --- the pipeline ----------------------------------------------------------------------------


def _import(schema: EntitySchema, *, file: Source, user, mapping: Mapping[str, str] | None,
            options: ImportOptions | None) -> ImportResult:
    options = options or ImportOptions()
    if not can_import(user):
        raise AccessDenied(_("You may not import data."))
    table = read_table(file, encoding=options.encoding, sheet=options.sheet, file_format=options.file_format)
    positions, issues = resolve_columns(schema, table.headers, mapping,
                                        [table.letter(i) for i in range(len(table.headers))])
    if issues:
        raise ImportFailed(issues)
    if table.frame.height == 0:
        raise ImportFailed([make_issue("no_rows", row=2)])

    typed, problems = check_cells(_cells(table, schema, positions), schema, today=timezone.localdate())
    typed, more = _CHECKS[schema.entity](typed, user)
    problems = pl.concat([problems, *more], how="vertical")
    if problems.height:
        headers = {name: table.headers[i] for name, i in positions.items()}
        issues, total = problems_to_issues(problems, headers, positions, options.max_issues)
        raise ImportFailed(issues, total=total)

    source_name = options.source_name or (Path(file).name if isinstance(file, (str, Path)) else None)
    try:
        with transaction.atomic():
            created = _WRITERS[schema.entity](typed, user=user, batch_size=options.batch_size, source_name=source_name)
    except IntegrityError as exc:
        # Most likely someone else wrote a clashing row after our checks; nothing of ours was
        # kept. The database's own text is for the log only: it is untranslated, differs per
        # backend and may quote key values.
        logger.exception("%s import refused by the database (source: %s)", schema.entity, source_name)
        raise ImportFailed([], message=_(
            "The database refused the import, perhaps because a record was added meanwhile; nothing was "
            "imported. Check the file and try again."
        )) from exc
    return ImportResult(
        entity=schema.entity, rows_read=table.frame.height, created=created,
        columns={f.name: table.headers[positions[f.name]] for f in schema.fields if f.name in positions},
        unused_columns=tuple(h for i, h in enumerate(table.headers) if h and i not in positions.values()),
    )


def _cells(table: RawTable, schema: EntitySchema, positions: dict[str, int]) -> pl.DataFrame:
    """The row number and one text column per field (None for fields without a column)."""
    return table.frame.select(pl.col(ROW), *[
        (pl.col(f"c{positions[f.name]}") if f.name in positions else pl.lit(None, dtype=pl.String)).alias(raw(f.name))
        for f in schema.fields
    ])


# --- database look-ups (in chunks, as frames) -------------------------------------------------


def _existing(model: type[Model], key: str, values: list[Any]) -> pl.Series:
    """Which of ``values`` exist as ``model.key``.

    Deliberately not restricted by the user's scope: keys are unique company-wide, so a key
    taken by a row the user cannot see would otherwise only fail at INSERT time.
    """
    found = lookup(lambda chunk: model.objects.filter(**{f"{key}__in": chunk}), values, (key,))
    return pl.Series(key, [k for (k,) in found], dtype=pl.String)


def _units(user, codes: list[str]) -> pl.DataFrame:
    """Org units by code, whether ``user`` may see them, and their kind (label translated)."""
    found = lookup(lambda chunk: OrgUnit.objects.filter(code__in=chunk), codes, ("code", "id", "kind"))
    return units_frame({code: (unit_id, kind) for code, unit_id, kind in found}, user)


def _ids(rows: list[tuple], *extra: str) -> pl.DataFrame:
    """Looked-up ``(key, id, *extra)`` rows as a frame (the extra columns are integers)."""
    schema = {"key": pl.String, "id": pl.Int64, **{name: pl.Int64 for name in extra}}
    return pl.DataFrame(rows, schema=schema, orient="row")


# --- entity checks ---------------------------------------------------------------------------


def _check_customers(typed: pl.DataFrame, user) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    typed, unit_problems = check_reference(typed, "home_unit", _units(user, distinct(typed, "home_unit")),
                                           unknown_code="unknown_unit", id_column="home_unit_id")
    existing = _existing(Customer, "customer_no", distinct(typed, "customer_no"))
    return typed, [check_unique(typed, "customer_no"), check_new(typed, "customer_no", existing), unit_problems]


def _check_products(typed: pl.DataFrame, user) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    existing = _existing(Product, "sku", distinct(typed, "sku"))
    return typed, [check_unique(typed, "sku"), check_new(typed, "sku", existing)]


def _check_transactions(typed: pl.DataFrame, user) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    problems = [check_group_agreement(typed, "txn_no", TRANSACTIONS.header_fields)]
    existing = _existing(Transaction, "txn_no", distinct(typed, "txn_no"))
    problems.append(check_new(typed, "txn_no", existing, first_of_group=True))

    typed, found = check_reference(typed, "branch", _units(user, distinct(typed, "branch")),
                                   unknown_code="unknown_unit", id_column="branch_id")
    problems.append(found)
    channels = lookup(lambda chunk: Channel.objects.filter(code__in=chunk), distinct(typed, "channel"),
                      ("code", "id"))
    typed, found = check_reference(typed, "channel", _ids(channels), unknown_code="unknown_channel",
                                   id_column="channel_id")
    problems.append(found)
    products = lookup(lambda chunk: Product.objects.filter(sku__in=chunk), distinct(typed, "sku"),
                      ("sku", "id", "unit_cost"))
    typed, found = check_reference(typed, "sku", _ids(products, "unit_cost").rename({"unit_cost": "_unit_cost"}),
                                   unknown_code="unknown_product", id_column="product_id")
    problems.append(found)
    # Customers are personal data: one the user may not see is reported like a missing one.
    customers = lookup(lambda chunk: restrict(Customer.objects.filter(customer_no__in=chunk), user),
                       distinct(typed, "customer_no"), ("customer_no", "id"))
    typed, found = check_reference(typed, "customer_no", _ids(customers), unknown_code="unknown_customer",
                                   id_column="customer_id")
    problems.append(found)
    return typed, problems


_CHECKS = {"customers": _check_customers, "products": _check_products, "transactions": _check_transactions}


# --- writing ---------------------------------------------------------------------------------


def _text(*names: str) -> list[pl.Expr]:
    """Blank optional text is "" in the database, not NULL (Django's convention for CharField)."""
    return [pl.col(n).fill_null("") for n in names]


def _assign_ids(model: type[Model], key: str, objects: list[Model]) -> None:
    """Make sure bulk-created ``objects`` know their primary keys (backends without RETURNING)."""
    if connection.features.can_return_rows_from_bulk_insert:
        return
    ids = dict(lookup(lambda chunk: model.objects.filter(**{f"{key}__in": chunk}),
                      [getattr(o, key) for o in objects], (key, "pk")))
    for obj in objects:
        obj.pk = ids[getattr(obj, key)]


def _audit_created(objects: list[Model], *, user, source_name: str | None) -> None:
    """One auditlog CREATE entry per object, as the ``post_save`` receiver would have written.

    ``bulk_create`` sends no signals, so the entries are built here and inserted in bulk.
    """
    from auditlog import get_logentry_model
    from auditlog.cid import get_cid
    from auditlog.diff import model_instance_diff
    from django.contrib.contenttypes.models import ContentType

    if not objects:
        return
    LogEntry = get_logentry_model()
    content_type = ContentType.objects.get_for_model(type(objects[0]))
    now, cid = timezone.now(), get_cid()
    extra = {"import": source_name or True}
    LogEntry.objects.bulk_create([
        LogEntry(
            content_type=content_type, object_pk=str(obj.pk), object_id=obj.pk, object_repr=str(obj),
            action=LogEntry.Action.CREATE, actor=user, actor_email=getattr(user, "email", None), timestamp=now,
            cid=cid, additional_data=extra,
            changes=model_instance_diff(None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES),
        )
        for obj in objects
    ])


def _create_in_batches(model: type[Model], rows: pl.DataFrame, *, batch_size: int, key: str | None = None,
                       each_batch: Callable[[list[Model]], None] | None = None) -> int:
    """Create one ``model`` per row of ``rows`` (columns = field names), ``batch_size`` at a time.

    Parameters
    ----------
    model
        The model to create.
    rows
        One column per field, already typed.
    batch_size
        Rows per INSERT (and per Python batch, so memory stays bounded).
    key
        A unique field: when given, the created objects learn their primary keys even on
        backends without ``RETURNING`` (needed by ``each_batch`` callbacks that use them).
    each_batch
        Called with every created batch (the audit trail, an id map).

    Returns
    -------
    int
        How many objects were created.
    """
    created = 0
    for batch in rows.iter_slices(batch_size):
        objects = [model(**row) for row in batch.iter_rows(named=True)]
        model.objects.bulk_create(objects, batch_size=batch_size)
        if key is not None:
            _assign_ids(model, key, objects)
        if each_batch is not None:
            each_batch(objects)
        created += len(objects)
    return created


def _audited(user, source_name: str | None) -> Callable[[list[Model]], None]:
    return lambda objects: _audit_created(objects, user=user, source_name=source_name)


def _write_customers(typed: pl.DataFrame, *, user, batch_size: int, source_name: str | None) -> dict[str, int]:
    columns = typed.select(
        *_text("customer_no", "name", "kind", "email", "phone", "gender", "segment"),
        "birth_year", "home_unit_id", "consent_marketing", "consent_email", "consent_sms", "joined_on",
    )
    return {"customers": _create_in_batches(Customer, columns, batch_size=batch_size, key="customer_no",
                                            each_batch=_audited(user, source_name))}


def _write_products(typed: pl.DataFrame, *, user, batch_size: int, source_name: str | None) -> dict[str, int]:
    columns = typed.select(*_text("sku", "name_ko", "name_en", "category"), "unit_price", "unit_cost")
    return {"products": _create_in_batches(Product, columns, batch_size=batch_size, key="sku",
                                           each_batch=_audited(user, source_name))}


def _write_transactions(typed: pl.DataFrame, *, user, batch_size: int, source_name: str | None) -> dict[str, int]:
    lines = typed.with_columns(
        pl.col("cost").fill_null(pl.col("quantity") * pl.col("_unit_cost")).alias("cost"),
    )
    headers = lines.group_by("txn_no", maintain_order=True).agg(
        pl.col("customer_id", "branch_id", "channel_id", "delivery_days").first(),
        pl.col("date").first().alias("occurred_on"),
        pl.col("amount").sum(), pl.col("cost").sum(),
    )
    ids: dict[str, int] = {}
    created = _create_in_batches(Transaction, headers, batch_size=batch_size, key="txn_no",
                                 each_batch=lambda objects: ids.update((o.txn_no, o.pk) for o in objects))
    line_rows = lines.join(pl.DataFrame({"txn_no": list(ids), "transaction_id": list(ids.values())},
                                        schema={"txn_no": pl.String, "transaction_id": pl.Int64}),
                           on="txn_no", how="left", maintain_order="left")
    line_rows = line_rows.select("transaction_id", "product_id", "quantity", "amount", "cost")
    return {"transactions": created,
            "transaction_lines": _create_in_batches(TransactionLine, line_rows, batch_size=batch_size)}


_WRITERS = {"customers": _write_customers, "products": _write_products, "transactions": _write_transactions}
