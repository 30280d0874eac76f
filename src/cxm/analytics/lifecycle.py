"""Lifecycle stage of each customer (002 slide 20): prospect -> first-time -> repeat -> client ->
advocate, and inactive / lost.

Rules, applied in this order at an as-of date (the first that matches wins):

====================  ====================================================================
stage                 rule
====================  ====================================================================
``prospect``          no purchase yet
``lost``              last purchase more than ``lost_days`` (365) ago
``inactive``          last purchase more than ``inactive_days`` (180) ago
``advocate``          a client (below) whose latest recommend answer is 9-10 (a promoter)
``client``            ``client_purchases`` (5) or more purchases
``repeat``            2 or more purchases
``first-time``        exactly one purchase
====================  ====================================================================
"""

from __future__ import annotations

from datetime import date

import polars as pl

STAGES = ("prospect", "first-time", "repeat", "client", "advocate", "inactive", "lost")


def lifecycle_stages(customers: pl.DataFrame, transactions: pl.DataFrame, *, as_of: date,
                     recommend: pl.DataFrame | None = None, inactive_days: int = 180, lost_days: int = 365,
                     client_purchases: int = 5) -> pl.DataFrame:
    """The stage of every customer at ``as_of``.

    Parameters
    ----------
    customers : polars.DataFrame
        ``customer`` (every known customer, buyers or not).
    transactions : polars.DataFrame
        ``customer`` and ``date``; transactions after ``as_of`` are ignored.
    recommend : polars.DataFrame, optional
        ``customer``, ``answered_on`` and ``recommend`` (0-10) survey answers; the latest
        answer up to ``as_of`` counts.

    Returns
    -------
    polars.DataFrame
        ``customer``, ``purchases``, ``days_since_last`` and ``stage``.
    """
    if not 0 < inactive_days < lost_days:
        raise ValueError(f"need 0 < inactive_days < lost_days, got {inactive_days}, {lost_days}")
    bought = (transactions.filter(pl.col("date").cast(pl.Date) <= as_of)
              .group_by("customer").agg(pl.len().alias("purchases"), pl.col("date").cast(pl.Date).max().alias("last")))
    frame = customers.select("customer").join(bought, on="customer", how="left").with_columns(
        pl.col("purchases").fill_null(0),
        (pl.lit(as_of) - pl.col("last")).dt.total_days().alias("days_since_last"),
    )
    if recommend is not None:
        latest = (recommend.filter(pl.col("answered_on").cast(pl.Date) <= as_of)
                  .sort("answered_on").group_by("customer").agg(pl.col("recommend").last()))
        frame = frame.join(latest, on="customer", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("recommend"))
    stage = (
        pl.when(pl.col("purchases") == 0).then(pl.lit("prospect"))
        .when(pl.col("days_since_last") > lost_days).then(pl.lit("lost"))
        .when(pl.col("days_since_last") > inactive_days).then(pl.lit("inactive"))
        .when((pl.col("purchases") >= client_purchases) & (pl.col("recommend") >= 9)).then(pl.lit("advocate"))
        .when(pl.col("purchases") >= client_purchases).then(pl.lit("client"))
        .when(pl.col("purchases") >= 2).then(pl.lit("repeat"))
        .otherwise(pl.lit("first-time"))
    )
    return frame.with_columns(stage.alias("stage")).select("customer", "purchases", "days_since_last", "stage")
