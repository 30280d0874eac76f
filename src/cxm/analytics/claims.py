"""Claim rates (domain spec 3): how often customers complain, and how often it happens again.

- **Claim rate** (Claim 발생율) per period and group: claims / orders x 1,000, and claims per
  1,000 active customers.
- **Claim recurrence rate** (Claim 재발율): the share of claims whose customer and category
  had a claim *closed* in the ``window_days`` before the new claim was opened.

Pure polars; the store passes frames of cases and transactions.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

__all__ = ["ClaimRates", "claim_rates", "rates_per_1000", "recurrence", "love_to_hate"]


@dataclass(frozen=True)
class ClaimRates:
    """Per period (and group): ``claims``, ``orders``, ``customers``, ``per_1000_orders``,
    ``per_1000_customers``; ``method`` says how the figures were made."""

    table: pl.DataFrame
    method: str


def _period(column: str, every: str) -> pl.Expr:
    return pl.col(column).cast(pl.Date).dt.truncate(every).alias("period")


def rates_per_1000(counts: pl.DataFrame) -> pl.DataFrame:
    """``counts`` with ``per_1000_orders`` and ``per_1000_customers`` added.

    Parameters
    ----------
    counts : polars.DataFrame
        Counts ``claims``, ``orders`` and ``customers`` per row (period, group); nulls count as 0.

    Returns
    -------
    polars.DataFrame
        The counts (nulls filled with 0) and the two rates; a rate is null when its
        denominator is 0 (no orders: no rate, not an infinite one).
    """
    return counts.with_columns(pl.col("claims", "orders", "customers").fill_null(0)).with_columns(
        pl.when(pl.col("orders") > 0).then(pl.col("claims") * 1000 / pl.col("orders")).alias("per_1000_orders"),
        pl.when(pl.col("customers") > 0).then(pl.col("claims") * 1000 / pl.col("customers"))
        .alias("per_1000_customers"),
    )


def claim_rates(claims: pl.DataFrame, orders: pl.DataFrame, *, every: str = "1mo",
                by: str | None = None) -> ClaimRates:
    """Claims per 1,000 orders and per 1,000 active customers, per period (and ``by`` group).

    Parameters
    ----------
    claims : polars.DataFrame
        One row per claim with ``opened_on`` (date) and, with ``by``, that column.
    orders : polars.DataFrame
        One row per order with ``occurred_on`` (date) and ``customer`` (null for walk-ins,
        which count as orders but not as customers), and the ``by`` column.
    every : str
        Period length in polars' notation (``"1mo"``, ``"1q"``, ``"1y"``).

    Returns
    -------
    ClaimRates
        Periods with orders or claims; a rate is null when its denominator is 0.
    """
    keys = ["period", *([by] if by else [])]
    c = claims.group_by(_period("opened_on", every), *([by] if by else [])).agg(pl.len().alias("claims"))
    o = orders.group_by(_period("occurred_on", every), *([by] if by else [])).agg(
        pl.len().alias("orders"), pl.col("customer").drop_nulls().n_unique().alias("customers"))
    table = rates_per_1000(o.join(c, on=keys, how="full", coalesce=True)).sort(keys)
    return ClaimRates(table, f"claims per 1,000 orders and per 1,000 active customers, per {every}")


def recurrence(claims: pl.DataFrame, *, window_days: int = 90) -> pl.DataFrame:
    """Flag each claim whose customer and category had a claim closed in the previous window.

    Parameters
    ----------
    claims : polars.DataFrame
        ``id``, ``customer``, ``category``, ``opened_at`` and ``closed_at`` (datetimes; null
        while open). Claims without a customer cannot recur and are never flagged.
    window_days : int
        How far back a closed claim counts (N days before the new claim was opened).

    Returns
    -------
    polars.DataFrame
        ``id`` and ``recurrent`` (bool), in the input order. The recurrence rate of a period
        is the mean of ``recurrent`` over the claims opened in it.
    """
    if window_days < 0:
        raise ValueError(f"window_days must be non-negative, got {window_days}")
    known = claims.filter(pl.col("customer").is_not_null())
    # Pairs of (new claim, earlier closed claim) of the same customer and category; the
    # number of claims per customer and category is small, so the self-join stays small.
    pairs = known.join(known.select("customer", "category", pl.col("id").alias("prev_id"),
                                    pl.col("closed_at").alias("prev_closed")),
                       on=["customer", "category"])
    hits = pairs.filter(
        (pl.col("prev_id") != pl.col("id")) & pl.col("prev_closed").is_not_null()
        & (pl.col("prev_closed") <= pl.col("opened_at"))
        & (pl.col("prev_closed") >= pl.col("opened_at") - pl.duration(days=window_days))
    ).select("id").unique().with_columns(pl.lit(True).alias("recurrent"))
    return claims.select("id").join(hits, on="id", how="left", maintain_order="left").with_columns(
        pl.col("recurrent").fill_null(False))


def love_to_hate(customers: pl.DataFrame, complaints: pl.DataFrame, *, as_of, value_quantile: float = 0.8,
                 min_tenure_days: int = 365, fresh_days: int = 30) -> pl.DataFrame:
    """Flag loyal, high-value customers with a fresh complaint (002 slide 11: love turned to hate).

    Parameters
    ----------
    customers : polars.DataFrame
        ``customer``, ``value`` (CLV or spend) and ``since`` (first purchase date).
    complaints : polars.DataFrame
        ``customer`` and ``opened_at`` (datetime) of complaints.
    as_of : datetime
        The moment "fresh" is measured from.
    value_quantile : float
        High value means at or above this quantile of ``value`` over all customers.

    Returns
    -------
    polars.DataFrame
        ``customer``, ``value``, ``tenure_days``, ``fresh_complaints`` and ``flag`` for every
        customer with a fresh complaint, flagged ones first, then by value (the queue order).
    """
    if not 0 <= value_quantile <= 1:
        raise ValueError(f"value_quantile must be in [0, 1], got {value_quantile}")
    threshold = customers["value"].quantile(value_quantile, interpolation="lower")
    fresh = complaints.filter((pl.col("opened_at") <= as_of)
                              & (pl.col("opened_at") > pl.lit(as_of) - pl.duration(days=fresh_days)))
    counts = fresh.group_by("customer").agg(pl.len().alias("fresh_complaints"))
    as_of_date = as_of.date() if hasattr(as_of, "date") else as_of
    return (
        counts.join(customers, on="customer", how="inner")
        .with_columns((pl.lit(as_of_date) - pl.col("since").cast(pl.Date)).dt.total_days().alias("tenure_days"))
        .with_columns(((pl.col("value") >= threshold) & (pl.col("tenure_days") >= min_tenure_days)).alias("flag"))
        .select("customer", "value", "tenure_days", "fresh_complaints", "flag")
        .sort(["flag", "value"], descending=[True, True])
    )
