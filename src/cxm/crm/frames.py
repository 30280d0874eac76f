"""Store tables as polars frames: one SQL query each, no model instances.

The queryset decides *which* rows (it is built through :mod:`cxm.org.access`); its SQL is
run on the connection and the rows land in a polars frame column by column. This is how
scoring and the analytics pages read hundreds of thousands of transactions without the
ORM building an object per row.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from cxm.customers.models import Customer, Product, Transaction

FETCH_ROWS = 50_000


def frame_of(queryset: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``queryset`` (a ``values_list`` of the fields in ``schema``, in order) into a polars frame.

    Date columns arrive as ``date`` objects (PostgreSQL) or ISO text (SQLite, whose raw
    cursor skips Django's converters); both become ``pl.Date``.
    """
    sql, params = queryset.query.sql_with_params()
    names = list(schema)
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(FETCH_ROWS)
            if not rows:
                break
            parts.append(pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None))
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.concat(parts, how="vertical_relaxed")
    exprs = []
    for name, dtype in schema.items():
        if dtype == pl.Date and frame.schema[name] == pl.String:
            exprs.append(pl.col(name).str.to_date("%Y-%m-%d"))
        else:
            exprs.append(pl.col(name).cast(dtype))
    return frame.select(exprs)


TRANSACTION_SCHEMA = {"customer_id": pl.Int64, "branch_id": pl.Int64, "occurred_on": pl.Date,
                      "amount": pl.Int64, "cost": pl.Int64}


def transaction_frame(transactions: QuerySet[Transaction], *, end: date | None = None) -> pl.DataFrame:
    """Known customers' transactions of an already restricted queryset, up to ``end`` (inclusive).

    Columns: ``customer_id``, ``branch_id``, ``occurred_on`` (Date), ``amount``, ``cost``.
    """
    qs = transactions.filter(customer__isnull=False)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    # Dates as ISO text: SQLite's driver would otherwise parse 200,000 dates one by one in Python.
    qs = qs.order_by().annotate(day=Cast("occurred_on", CharField())).values_list(
        "customer_id", "branch_id", "day", "amount", "cost")
    return frame_of(qs, TRANSACTION_SCHEMA)


CUSTOMER_SCHEMA = {"customer_id": pl.Int64, "home_unit_id": pl.Int64, "joined_on": pl.Date, "kind": pl.String}


def customer_frame(customers: QuerySet[Customer], *, end: date | None = None) -> pl.DataFrame:
    """Customers of an already restricted queryset who joined by ``end``.

    Columns: ``customer_id``, ``home_unit_id``, ``joined_on``, ``kind``.
    """
    qs = customers if end is None else customers.filter(joined_on__lte=end)
    qs = qs.order_by().annotate(day=Cast("joined_on", CharField())).values_list("id", "home_unit_id", "day", "kind")
    return frame_of(qs, CUSTOMER_SCHEMA)


LINE_SCHEMA = {"customer_id": pl.Int64, "category": pl.String, "amount": pl.Int64, "cost": pl.Int64}


def line_frame(transactions: QuerySet[Transaction], *, customer_ids: list[int] | None = None) -> pl.DataFrame:
    """Transaction lines of known customers in an already restricted transaction queryset.

    Columns: ``customer_id``, ``category`` (the product category, else its SKU), ``amount``, ``cost``.
    """
    qs = transactions.filter(customer__isnull=False)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    qs = qs.order_by().values_list("customer_id", "lines__product__category", "lines__amount", "lines__cost")
    frame = frame_of(qs.filter(lines__isnull=False), LINE_SCHEMA)
    return frame.with_columns(pl.col("category").fill_null("").replace("", "–"))


RECOMMEND_SCHEMA = {"customer": pl.Int64, "answered_on": pl.Date, "recommend": pl.Float64}


def recommend_frame(*, end: date | None = None, customers: QuerySet[Customer] | None = None) -> pl.DataFrame:
    """Identified survey answers to each questionnaire's recommend item (0-10), up to ``end``.

    Columns: ``customer`` (id), ``answered_on`` (Date), ``recommend``; feeds the lifecycle's
    ``advocate`` stage. Answers are decoded by polars from the JSON text in one pass.
    """
    from django.db.models import TextField
    from django.db.models.functions import TruncDate

    from cxm.surveys.models import Questionnaire, Response

    parts = []
    for questionnaire in Questionnaire.objects.filter(waves__responses__customer__isnull=False).distinct():
        item = questionnaire.parsed().recommend
        if item is None:
            continue
        qs = Response.objects.filter(wave__questionnaire=questionnaire, customer__isnull=False)
        if customers is not None:
            qs = qs.filter(customer__in=customers)
        if end is not None:
            qs = qs.filter(submitted_at__date__lte=end)
        rows = list(qs.order_by().annotate(raw=Cast("answers", TextField()),
                                           day=Cast(TruncDate("submitted_at"), CharField()))
                    .values_list("customer_id", "day", "raw"))
        if not rows:
            continue
        ids, days, texts = zip(*rows)
        answers = pl.Series("a", texts).str.json_decode(infer_schema_length=None).struct.unnest()
        if item.code not in answers.columns:
            continue
        parts.append(pl.DataFrame({"customer": ids, "answered_on": days, "recommend": answers[item.code]})
                     .with_columns(pl.col("answered_on").str.to_date("%Y-%m-%d"), pl.col("recommend").cast(pl.Float64))
                     .filter(pl.col("recommend").is_not_null()))
    if not parts:
        return pl.DataFrame(schema=RECOMMEND_SCHEMA)
    return pl.concat(parts).select([pl.col(k).cast(v) for k, v in RECOMMEND_SCHEMA.items()])


PURCHASE_SCHEMA = {"customer_id": pl.Int64, "sku": pl.String, "occurred_on": pl.Date}


def purchase_frame(transactions: QuerySet[Transaction], *, end: date | None = None,
                   customer_ids: list[int] | None = None) -> pl.DataFrame:
    """Products bought by known customers in an already restricted transaction queryset, up to ``end``.

    Columns: ``customer_id``, ``sku`` (the product), ``occurred_on`` (Date); one row per line.
    Feeds :class:`cxm.analytics.crosssell.CrossSell` (product = SKU).
    """
    qs = transactions.filter(customer__isnull=False, lines__isnull=False)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    qs = qs.order_by().annotate(day=Cast("occurred_on", CharField())).values_list(
        "customer_id", "lines__product_id", "day")
    # product ids over the wire (no join to the product table), SKUs from the small product table
    frame = frame_of(qs, {"customer_id": pl.Int64, "product_id": pl.Int64, "occurred_on": pl.Date})
    skus = pl.DataFrame(list(Product.objects.values_list("id", "sku")), schema={"product_id": pl.Int64, "sku": pl.String},
                        orient="row")
    return frame.join(skus, on="product_id", how="left").select(list(PURCHASE_SCHEMA))


COMPLAINT_SCHEMA = {"customer_id": pl.Int64, "occurred_on": pl.Date}


def complaint_frame(cases: QuerySet, *, end: date | None = None) -> pl.DataFrame:
    """Complaints of known customers in an already restricted case queryset, opened by ``end``.

    Columns: ``customer_id``, ``occurred_on`` (the opening day) -- the side frame of
    :func:`cxm.analytics.churn.churn_features` (``complaints``).
    """
    from django.db.models.functions import TruncDate

    qs = cases.filter(customer__isnull=False, kind="complaint")
    if end is not None:
        qs = qs.filter(opened_at__date__lte=end)
    qs = qs.order_by().annotate(day=Cast(TruncDate("opened_at"), CharField())).values_list("customer_id", "day")
    return frame_of(qs, COMPLAINT_SCHEMA)
