"""Aggregations over the transaction table, written once as ibis expressions (DuckDB by default).

The expressions only use portable ibis operations (group-by, min/max/count/sum, argmin,
date truncation, epoch days), so the same code can be pointed at another ibis backend
(``con=``). Data enters as Arrow (a polars frame is converted without copying) through
``ibis.memtable``; results come back as polars frames. The outputs equal, column for
column, the pure-polars implementations they mirror:

* :func:`rfm_inputs` -> :func:`cxm.analytics.rfm.rfm_values`
* :func:`cohort_counts` -> :func:`cxm.analytics.retention.cohort_retention`
* :func:`btyd_summary_inputs` -> :func:`cxm.analytics.btyd.summary.customer_summary`
* :func:`margin_matrix`: customer x product revenue, cost and margin from transaction lines.

Dates may be Date, Datetime or ISO text columns.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import polars as pl

from .dates import as_date

__all__ = ["connect", "rfm_inputs", "cohort_counts", "btyd_summary_inputs", "margin_matrix"]

_UNITS = {"D": 1, "W": 7}


def connect() -> Any:
    """A fresh embedded DuckDB ibis backend (in memory)."""
    import ibis

    return ibis.duckdb.connect()


def _table(data: Any, columns: tuple[str, ...]):
    """Wrap a polars / Arrow table as an ibis memtable holding only ``columns``."""
    import ibis
    import pyarrow as pa

    if isinstance(data, pl.LazyFrame):
        present = data.collect_schema().names()
        data = data.select(columns).collect() if all(c in present for c in columns) else data.head(0).collect()
    if isinstance(data, pl.DataFrame):
        names = data.columns
    elif isinstance(data, pa.Table):
        names = data.column_names
    else:
        raise ValueError("transactions must be a polars DataFrame/LazyFrame or a pyarrow Table; "
                         f"got {type(data).__name__}")
    for col in columns:
        if col not in names:
            raise ValueError(f"column {col!r} not found; columns are {names!r}")
    arrow = data.select(columns).to_arrow() if isinstance(data, pl.DataFrame) else data.select(list(columns))
    return ibis.memtable(arrow)


def _day(t, date: str):
    col = t[date]
    dtype = col.type()
    if dtype.is_string():
        return col.cast("date")
    if dtype.is_timestamp():
        return col.date()
    if dtype.is_date():
        return col
    raise ValueError(f"column {date!r} must hold dates, datetimes or ISO text; got {dtype}")


def _run(expr, con) -> pl.DataFrame:
    return (con or connect()).to_polars(expr)


def rfm_inputs(transactions: Any, *, customer: str, date: str, amount: str, as_of: _dt.date | str,
               con: Any = None) -> pl.DataFrame:
    """Per-customer ``recency`` (days), ``frequency``, ``monetary`` at ``as_of``.

    Same output as :func:`cxm.analytics.rfm.rfm_values` (feed it to
    :func:`cxm.analytics.rfm.rfm_scores` for scores and segments).
    """
    import ibis

    end = as_date(as_of, "as_of")
    t = _table(transactions, (customer, date, amount))
    t = t.select(c=t[customer], d=_day(t, date), a=t[amount].cast("float64"))
    t = t.filter(t.d <= ibis.date(end))
    end_days = (end - _dt.date(1970, 1, 1)).days
    agg = t.group_by("c").aggregate(last=t.d.epoch_days().max(), frequency=t.count(), monetary=t.a.sum())
    expr = agg.select(c=agg.c, recency=(ibis.literal(end_days) - agg["last"]).cast("int64"),
                      frequency=agg.frequency.cast("int64"), monetary=agg.monetary.cast("float64"))
    return _run(expr, con).rename({"c": customer}).sort(customer)


def cohort_counts(transactions: Any, *, customer: str, date: str, con: Any = None) -> pl.DataFrame:
    """Cohort retention table, long form (as :func:`cxm.analytics.retention.cohort_retention`)."""
    t = _table(transactions, (customer, date))
    day = _day(t, date)
    active = t.select(c=t[customer], m=day.year().cast("int64") * 12 + day.month().cast("int64") - 1).distinct()
    first = active.group_by("c").aggregate(cm=active.m.min())
    sizes = first.group_by("cm").aggregate(cohort_size=first.count())
    joined = active.join(first, "c")
    counts = joined.group_by(cm=joined.cm, months_since=joined.m - joined.cm).aggregate(active=joined.count())
    full = counts.join(sizes, "cm")
    expr = full.select("cm", months_since=full.months_since.cast("int64"), active=full.active.cast("int64"),
                       cohort_size=full.cohort_size.cast("int64"),
                       share=full.active.cast("float64") / full.cohort_size.cast("float64"))
    out = _run(expr, con)
    # month index -> first day of the month (a cheap step on the small result)
    return (out.with_columns(pl.date(pl.col("cm") // 12, pl.col("cm") % 12 + 1, 1).alias("cohort"))
            .sort("cm", "months_since")
            .select("cohort", "months_since", "active", "cohort_size", "share"))


def btyd_summary_inputs(transactions: Any, *, customer: str, date: str, calibration_end: _dt.date | str,
                        amount: str | None = None, freq: str = "D", con: Any = None) -> pl.DataFrame:
    """BTYD ``frequency``, ``recency``, ``T`` [, ``monetary_value``] per customer.

    Same conventions and output as :func:`cxm.analytics.btyd.summary.customer_summary`
    (lifetimes' ``summary_data_from_transaction_data``).
    """
    import ibis

    if freq not in _UNITS:
        raise ValueError(f"freq must be 'D' or 'W'; got {freq!r}")
    unit = float(_UNITS[freq])
    end = as_date(calibration_end, "calibration_end")
    if freq == "W":  # Monday of the week, as polars' truncate("1w") / DuckDB's date_trunc('week')
        end = end - _dt.timedelta(days=end.weekday())
    end_days = (end - _dt.date(1970, 1, 1)).days
    t = _table(transactions, (customer, date) + ((amount,) if amount else ()))
    day = _day(t, date)
    period = day.truncate("W") if freq == "W" else day
    amt = t[amount].cast("float64") if amount else ibis.literal(0.0)
    t = t.select(c=t[customer], p=period.epoch_days(), a=amt)
    t = t.filter(t.p <= end_days)
    per = t.group_by(["c", "p"]).aggregate(a=t.a.sum())
    agg = per.group_by("c").aggregate(first=per.p.min(), last=per.p.max(), n=per.count(), total=per.a.sum(),
                                      first_amount=per.a.argmin(per.p))
    cols = dict(c=agg.c, frequency=(agg.n - 1).cast("float64"),
                recency=(agg["last"] - agg["first"]).cast("float64") / unit,
                T=(ibis.literal(end_days) - agg["first"]).cast("float64") / unit)
    if amount:
        cols["monetary_value"] = ibis.ifelse(agg.n > 1, (agg.total - agg.first_amount) / (agg.n - 1).cast("float64"),
                                             0.0)
    return _run(agg.select(**cols), con).rename({"c": customer}).sort(customer)


def margin_matrix(lines: Any, *, customer: str, product: str, amount: str, cost: str,
                  con: Any = None) -> pl.DataFrame:
    """Customer x product ``revenue``, ``cost`` and ``margin`` (revenue - cost) from transaction lines.

    Parameters
    ----------
    lines : polars.DataFrame / LazyFrame or pyarrow.Table
        One row per transaction line with the customer, the product, the line amount and cost.

    Returns
    -------
    polars.DataFrame
        ``customer``, ``product`` (original names), ``lines``, ``revenue``, ``cost``,
        ``margin``, long form sorted by customer and product (pivot for a matrix view).
    """
    t = _table(lines, (customer, product, amount, cost))
    t = t.select(c=t[customer], p=t[product], a=t[amount].cast("float64"), k=t[cost].cast("float64"))
    agg = t.group_by(["c", "p"]).aggregate(lines=t.count(), revenue=t.a.sum(), cost=t.k.sum())
    expr = agg.select("c", "p", lines=agg.lines.cast("int64"), revenue=agg.revenue, cost=agg.cost,
                      margin=agg.revenue - agg.cost)
    out = _run(expr, con).rename({"c": customer, "p": product})
    return out.sort(customer, product)
