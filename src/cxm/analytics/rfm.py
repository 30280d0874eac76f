"""RFM analysis: recency / frequency / monetary values, quintile scores, named segments.

Definitions (at an as-of date; transactions after it are ignored):

* ``recency`` = days from the customer's last transaction to the as-of date (0 = bought
  on the as-of date);
* ``frequency`` = number of transactions (rows) on or before the as-of date;
* ``monetary`` = total amount of those transactions.

Scores (1-5, quintiles over the customers present at the as-of date)::

    score = 1 + floor(5 * (rank - 1) / n)

where ``rank`` is the 1-based "min" rank of the value (ties share the lowest rank of their
block, so equal values always get the same score and the result does not depend on row
order) and ``n`` the number of customers. Frequency and monetary rank ascending (more =
higher score); recency ranks on the negated days, so **more recent = higher score**.
With heavy ties a quintile can be empty (e.g. most customers with frequency 1 all score 1).

Segments come from the (R, F) scores alone, as a 5 x 5 grid (the monetary score is
reported but does not enter the segment)::

    F score ->      1               2                3               4          5
    R=5            new        potential loyal  potential loyal  champions   champions
    R=4            new        potential loyal  potential loyal  loyal       loyal
    R=3            hibernating potential loyal potential loyal  loyal       loyal
    R=2            hibernating hibernating      at risk          at risk     can't lose
    R=1            lost        lost             at risk          at risk     can't lose

i.e. champions: R = 5 and F >= 4; loyal: R in 3-4 and F >= 4; potential loyal: R >= 3 and
F in 2-3; new: R >= 4 and F = 1; can't lose: R <= 2 and F = 5; at risk: R <= 2 and F in
3-4; hibernating: (R = 3 and F = 1) or (R = 2 and F <= 2); lost: R = 1 and F <= 2.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import polars as pl

from .dates import as_date

__all__ = ["SEGMENTS", "SEGMENT_GRID", "rfm_values", "rfm_scores", "rfm_table", "segment_of",
           "segment_migration", "quintile_score"]

SEGMENTS: tuple[str, ...] = ("champions", "loyal", "potential loyal", "new", "at risk", "can't lose",
                             "hibernating", "lost")

# SEGMENT_GRID[r - 1][f - 1] -> segment name (see the module docstring)
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at risk", "at risk", "can't lose"),                                  # R=1
    ("hibernating", "hibernating", "at risk", "at risk", "can't lose"),                    # R=2
    ("hibernating", "potential loyal", "potential loyal", "loyal", "loyal"),               # R=3
    ("new", "potential loyal", "potential loyal", "loyal", "loyal"),                       # R=4
    ("new", "potential loyal", "potential loyal", "champions", "champions"),               # R=5
)

NO_SEGMENT = "(none)"


def day_expr(schema: pl.Schema, date: str) -> pl.Expr:
    """The ``date`` column as days: dates, datetimes (their day), ISO text or YYYYMMDD integers."""
    dtype = schema[date]
    if dtype == pl.String:
        return pl.col(date).str.to_date(strict=True)
    if dtype == pl.Datetime:
        return pl.col(date).dt.date()
    if dtype == pl.Date:
        return pl.col(date)
    if dtype.is_integer():  # 20240131 (CDNOW's layout)
        return pl.col(date).cast(pl.String).str.to_date("%Y%m%d", strict=True)
    raise ValueError(f"column {date!r} must hold dates, datetimes, ISO text or YYYYMMDD integers; got {dtype}")


def lazy_frame(transactions: pl.DataFrame | pl.LazyFrame, columns: tuple[str, ...]) -> pl.LazyFrame:
    """``transactions`` as a lazy frame; a ``ValueError`` names the first of ``columns`` it lacks."""
    lf = transactions.lazy() if isinstance(transactions, pl.DataFrame) else transactions
    names = lf.collect_schema().names()
    for col in columns:
        if col not in names:
            raise ValueError(f"column {col!r} not found; columns are {names!r}")
    return lf


def rfm_values(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str, amount: str,
               as_of: _dt.date | str) -> pl.DataFrame:
    """Per-customer recency (days), frequency and monetary value at ``as_of``.

    Parameters
    ----------
    transactions : polars.DataFrame or LazyFrame
        One row per transaction.
    customer, date, amount : str
        Column names of the customer id, the transaction date and its amount.
    as_of : date or str
        Reference date (inclusive).

    Returns
    -------
    polars.DataFrame
        ``customer`` (original name), ``recency`` (Int64 days), ``frequency`` (Int64),
        ``monetary`` (Float64), sorted by customer; customers without a transaction on or
        before ``as_of`` are absent.
    """
    lf = lazy_frame(transactions, (customer, date, amount))
    end = as_date(as_of, "as_of")
    day = day_expr(lf.collect_schema(), date)
    return (
        lf.select(pl.col(customer), day.alias("_d"), pl.col(amount).cast(pl.Float64).alias("_a"))
        .filter(pl.col("_d") <= pl.lit(end))
        .group_by(customer)
        .agg(pl.col("_d").max().alias("_last"), pl.len().alias("frequency"), pl.col("_a").sum().alias("monetary"))
        .select(pl.col(customer), (pl.lit(end) - pl.col("_last")).dt.total_days().cast(pl.Int64).alias("recency"),
                pl.col("frequency").cast(pl.Int64), pl.col("monetary"))
        .sort(customer)
        .collect()
    )


def quintile_score(values: np.ndarray | pl.Series, *, higher_is_better: bool = True) -> np.ndarray:
    """Quintile score 1-5 with "min" ranks for ties (see the module docstring).

    Parameters
    ----------
    values : array-like
        One value per customer.
    higher_is_better : bool
        False scores small values high (recency in days).

    Returns
    -------
    numpy.ndarray of int8
    """
    s = pl.Series(values).cast(pl.Float64)
    if s.null_count() or (s.is_nan().any() if len(s) else False):
        raise ValueError("values contain missing values")
    n = len(s)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    rank = (s if higher_is_better else -s).rank(method="min").to_numpy().astype(np.int64)
    return (1 + (5 * (rank - 1)) // n).astype(np.int8)


def segment_of(r_score: np.ndarray, f_score: np.ndarray) -> np.ndarray:
    """Segment names for arrays of R and F scores (1-5), by :data:`SEGMENT_GRID`."""
    r = np.asarray(r_score, dtype=np.int64)
    f = np.asarray(f_score, dtype=np.int64)
    bad = (r < 1) | (r > 5) | (f < 1) | (f > 5)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"scores must be 1-5; got R={r[i]}, F={f[i]}")
    grid = np.array(SEGMENT_GRID, dtype=object)
    return grid[r - 1, f - 1]


def rfm_scores(values: pl.DataFrame, *, customer: str) -> pl.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score`` and ``segment`` to a :func:`rfm_values` frame."""
    r = quintile_score(values["recency"], higher_is_better=False)
    f = quintile_score(values["frequency"])
    m = quintile_score(values["monetary"])
    return values.with_columns(
        pl.Series("r_score", r), pl.Series("f_score", f), pl.Series("m_score", m),
        pl.Series("segment", segment_of(r, f), dtype=pl.String),
    )


def rfm_table(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str, amount: str,
              as_of: _dt.date | str) -> pl.DataFrame:
    """RFM values, quintile scores and segment per customer at ``as_of``.

    Returns
    -------
    polars.DataFrame
        ``customer``, ``recency``, ``frequency``, ``monetary``, ``r_score``, ``f_score``,
        ``m_score``, ``segment``, sorted by customer.

    Notes
    -----
    Scores are relative to the customers present at ``as_of`` (quintiles), so the same
    behaviour can score differently at another date.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing* (RFM quintile coding); Kumar, V. &
    Reinartz, W. (2018). *Customer Relationship Management*, 3rd ed., ch. 5 (RFM).
    """
    return rfm_scores(rfm_values(transactions, customer=customer, date=date, amount=amount, as_of=as_of),
                      customer=customer)


def segment_migration(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str, amount: str,
                      start: _dt.date | str, end: _dt.date | str) -> pl.DataFrame:
    """Segment migration matrix between two as-of dates.

    Parameters
    ----------
    start, end : date or str
        The two as-of dates, ``start < end``.

    Returns
    -------
    polars.DataFrame
        One row per segment at ``start`` (:data:`SEGMENTS` order, then ``"(none)"`` for
        customers without a purchase by ``start``): column ``from_segment`` and one count
        column per segment at ``end`` (:data:`SEGMENTS` order). Every customer present at
        ``end`` is counted once.
    """
    d0, d1 = as_date(start, "start"), as_date(end, "end")
    if not d0 < d1:
        raise ValueError(f"start must be before end; got start={d0}, end={d1}")
    lf = lazy_frame(transactions, (customer, date, amount))
    kw = dict(customer=customer, date=date, amount=amount)
    a = rfm_table(lf, as_of=d0, **kw).select(customer, pl.col("segment").alias("_from"))
    b = rfm_table(lf, as_of=d1, **kw).select(customer, pl.col("segment").alias("_to"))
    pairs = b.join(a, on=customer, how="left").with_columns(pl.col("_from").fill_null(NO_SEGMENT))
    rows = list(SEGMENTS) + [NO_SEGMENT]
    counts = pairs.group_by("_from", "_to").len()
    # fill every cell (zeros included) so the matrix shape is stable
    grid = pl.DataFrame({"_from": rows}).join(pl.DataFrame({"_to": list(SEGMENTS)}), how="cross")
    full = grid.join(counts, on=["_from", "_to"], how="left").with_columns(pl.col("len").fill_null(0).cast(pl.Int64))
    wide = full.pivot(on="_to", index="_from", values="len")
    order = pl.DataFrame({"_from": rows}).with_row_index("_i")
    return (order.join(wide, on="_from").sort("_i").drop("_i")
            .rename({"_from": "from_segment"}).select(["from_segment", *SEGMENTS]))
