"""Customer profitability (002 slide 12): who earns money, who breaks even, who loses it.

The finding the slide insists on, that the largest customers are not always the most
profitable, is measured by where the top customers by revenue fall in the margin classes.
"""

from __future__ import annotations

import polars as pl


def profitability_classes(lines: pl.DataFrame, *, break_even_band: float = 0.02) -> pl.DataFrame:
    """Revenue, cost, margin and class per customer.

    Parameters
    ----------
    lines : polars.DataFrame
        ``customer``, ``amount`` and ``cost`` (one row per transaction or line).
    break_even_band : float
        A customer whose margin is within this share of their revenue (either side) breaks
        even; above it they are ``profitable``, below ``losing``.
    """
    if break_even_band < 0:
        raise ValueError(f"break_even_band must be non-negative, got {break_even_band}")
    per = lines.group_by("customer").agg(pl.col("amount").sum().alias("revenue"), pl.col("cost").sum().alias("cost"))
    return per.with_columns((pl.col("revenue") - pl.col("cost")).alias("margin")).with_columns(
        pl.when(pl.col("margin") > break_even_band * pl.col("revenue").abs()).then(pl.lit("profitable"))
        .when(pl.col("margin") < -break_even_band * pl.col("revenue").abs()).then(pl.lit("losing"))
        .otherwise(pl.lit("break-even")).alias("class")
    ).sort("revenue", descending=True)


def largest_not_most_profitable(classes: pl.DataFrame, *, top: int = 10) -> dict:
    """How the ``top`` customers by revenue fare by margin, and the rank correlation of the two.

    Returns ``{"top": n, "losing": k, "break_even": j, "spearman": rho}``: ``rho`` is the
    Spearman correlation of revenue and margin over all customers (1 would mean the largest
    are always the most profitable).
    """
    head = classes.sort("revenue", descending=True).head(top)
    ranks = classes.select(pl.col("revenue").rank().alias("r"), pl.col("margin").rank().alias("m"))
    rho = ranks.select(pl.corr("r", "m")).item() if classes.height > 1 else float("nan")
    return {"top": head.height, "losing": int((head["class"] == "losing").sum()),
            "break_even": int((head["class"] == "break-even").sum()), "spearman": rho}


def customer_product_matrix(lines: pl.DataFrame) -> pl.DataFrame:
    """The customer x product margin matrix (wide: one column per product), from lines with
    ``customer``, ``product``, ``amount`` and ``cost``."""
    margins = lines.group_by("customer", "product").agg((pl.col("amount") - pl.col("cost")).sum().alias("margin"))
    return margins.pivot(on="product", index="customer", values="margin").fill_null(0).sort("customer")
