"""Per-customer frequency / recency / T / monetary value from transactions, in lifetimes' conventions.

* Dates are first reduced to their period (``D``: the day; ``W``: the week starting on
  Monday, as pandas' ``W-SUN`` periods) and the calibration end likewise; transactions
  in a period after the calibration end's period are dropped.
* Transactions of a customer in the same period count as one purchase whose amount is
  their sum.
* ``frequency`` = number of purchase periods - 1 (repeat purchases); ``recency`` = periods
  between the first and the last purchase; ``T`` = periods between the first purchase
  and the calibration end; ``monetary_value`` = mean amount of the repeat purchases (the
  first purchase excluded), 0 without repeat purchases.
"""

from __future__ import annotations

import datetime as _dt

import polars as pl

from cxm.analytics.dates import as_date
from cxm.analytics.rfm import day_expr, lazy_frame

__all__ = ["customer_summary"]

_UNITS = {"D": 1, "W": 7}


def customer_summary(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str,
                     calibration_end: _dt.date | str, amount: str | None = None, freq: str = "D") -> pl.DataFrame:
    """Build the BTYD customer summary from a transaction table.

    Parameters
    ----------
    transactions : polars.DataFrame or LazyFrame
        One row per transaction.
    customer, date : str
        Column names of the customer id and the transaction date (date, datetime or ISO text).
    calibration_end : date or str
        Last day of the calibration period (inclusive of its whole period).
    amount : str, optional
        Column of the transaction amount; adds ``monetary_value``.
    freq : {"D", "W"}
        Time unit: days or weeks.

    Returns
    -------
    polars.DataFrame
        ``customer`` column (original name), ``frequency``, ``recency``, ``T``
        [, ``monetary_value``], sorted by customer, one row per customer with a purchase
        on or before the calibration end.

    References
    ----------
    Fader, Hardie & Lee (2005), section 2; lifetimes' ``summary_data_from_transaction_data``
    (the conventions reproduced here).
    """
    if freq not in _UNITS:
        raise ValueError(f"freq must be 'D' or 'W'; got {freq!r}")
    lf = lazy_frame(transactions, (customer, date) + ((amount,) if amount else ()))
    end = as_date(calibration_end, "calibration_end")
    unit = _UNITS[freq]
    day = day_expr(lf.collect_schema(), date)
    # period start: the day itself, or the Monday of its week
    period = day.dt.truncate("1w") if freq == "W" else day
    end_period = pl.lit(end).dt.truncate("1w") if freq == "W" else pl.lit(end)

    amt = pl.col(amount).cast(pl.Float64) if amount else pl.lit(0.0)
    per_period = (
        lf.select(pl.col(customer), period.alias("_p"), amt.alias("_a"))
        .filter(pl.col("_p") <= end_period)
        .group_by(customer, "_p").agg(pl.col("_a").sum())
    )
    days = lambda e: e.dt.total_days().cast(pl.Float64) / unit  # noqa: E731
    out = (
        per_period.group_by(customer)
        .agg(
            pl.col("_p").min().alias("_first"),
            pl.col("_p").max().alias("_last"),
            pl.len().alias("_n"),
            pl.col("_a").sum().alias("_total"),
            pl.col("_a").sort_by("_p").first().alias("_first_amount"),
        )
        .with_columns(
            (pl.col("_n") - 1).cast(pl.Float64).alias("frequency"),
            days(pl.col("_last") - pl.col("_first")).alias("recency"),
            days(end_period - pl.col("_first")).alias("T"),
        )
    )
    cols = [customer, "frequency", "recency", "T"]
    if amount:
        out = out.with_columns(
            pl.when(pl.col("_n") > 1)
            .then((pl.col("_total") - pl.col("_first_amount")) / (pl.col("_n") - 1))
            .otherwise(0.0).alias("monetary_value"))
        cols.append("monetary_value")
    return out.select(cols).sort(customer).collect()
