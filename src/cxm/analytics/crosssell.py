"""Cross-sell / up-sell: item-item co-occurrence and pair association rules over customer baskets.

A customer's *basket* is the set of products they ever bought (customer x product, 0/1).
With ``N`` baskets, ``n_A`` of them holding product ``A`` and ``n_AB`` holding both ``A``
and ``B``, a rule ``A -> B`` has (as in Agrawal, Imielinski & Swami 1993 and mlxtend's
``association_rules`` for itemsets of size two)::

    support    = n_AB / N
    confidence = n_AB / n_A          (P(B | A))
    lift       = confidence / (n_B / N) = n_AB N / (n_A n_B)

**"Bought next"** (``sequential=True``, needs a date column): ``n_AB`` becomes the number of
customers whose *first* purchase of ``B`` came on a later day than their first purchase of
``A`` (the same day does not count), so ``A -> B`` and ``B -> A`` differ. Confidence is
then "of the customers who bought A, the share who later bought B for the first time", and
lift compares it with ``n_B / N``, the share of all customers who ever bought B.

Counting is sparse linear algebra: with ``X`` the binary customer x product matrix
(scipy.sparse CSR), the co-occurrence counts are ``X.T @ X`` (the diagonal holds ``n_A``).
The ordered counts pair each customer's first-purchase days with each other by index
arithmetic in numpy (in blocks of customers, bounded memory) and count the pairs with a
``numpy.bincount``. No Python loop runs over rows.

A rule is kept when ``n_AB >= min_count`` and ``support >= min_support``.
:meth:`CrossSell.recommend` ranks, for a customer's products, the products they do not have
by the best rule from one of theirs (highest confidence, then lift, then support).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from .exceptions import NotFittedError
from .rfm import day_expr, lazy_frame

__all__ = ["RULE_COLUMNS", "RECOMMEND_COLUMNS", "CrossSell", "association_rules"]

#: Columns of :attr:`CrossSell.rules_`, in order.
RULE_COLUMNS: tuple[str, ...] = ("antecedent", "consequent", "count", "antecedent_count", "consequent_count",
                                 "support", "confidence", "lift")
#: Columns of :meth:`CrossSell.recommend`, in order.
RECOMMEND_COLUMNS: tuple[str, ...] = ("product", "antecedent", "count", "support", "confidence", "lift")

_PAIR_BLOCK = 20_000_000  # candidate (A, B) pairs per block of the ordered counts
_DENSE_MAX = 4_000_000  # ordered counts in a dense products x products array up to this size


class CrossSell:
    """Pair association rules between products over customer baskets.

    Parameters
    ----------
    min_support : float
        Keep rules with ``support >= min_support`` (share of all customers, 0-1).
    min_count : int
        Keep rules with at least this many customers (``n_AB``).
    sequential : bool
        Count "A, then B later" (first purchases on different days) instead of "A and B".

    Attributes
    ----------
    n_baskets_ : int
        Customers ``N``.
    products_ : polars.Series
        The product ids, sorted; position ``i`` is row/column ``i`` of the matrices.
    item_counts_ : numpy.ndarray
        ``n_A`` per product (customers who bought it).
    pair_counts_ : scipy.sparse.csr_matrix
        ``[i, j]`` = ``n_AB`` for ``A = products_[i]``, ``B = products_[j]``; zero diagonal;
        symmetric unless sequential.
    rules_ : polars.DataFrame
        The rules passing the thresholds, columns :data:`RULE_COLUMNS` (product ids in
        their original type), sorted by lift, confidence and count (descending), then
        antecedent and consequent.
    """

    def __init__(self, *, min_support: float = 0.0, min_count: int = 1, sequential: bool = False) -> None:
        if not 0.0 <= min_support <= 1.0:
            raise ValueError(f"min_support must be in [0, 1]; got {min_support}")
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1; got {min_count}")
        self.min_support = min_support
        self.min_count = min_count
        self.sequential = sequential

    # --- fitting ---------------------------------------------------------------------------
    def fit(self, transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, product: str,
            date: str | None = None) -> CrossSell:
        """Count baskets from ``transactions`` (one row per purchase of a product).

        Parameters
        ----------
        customer, product : str
            Columns of the customer id and the product id.
        date : str, optional
            Column of the purchase date; required when ``sequential``.
        """
        from scipy import sparse

        if self.sequential and not date:
            raise ValueError("sequential rules need the date column")
        lf = lazy_frame(transactions, (customer, product) + ((date,) if date else ()))
        sel = [pl.col(customer), pl.col(product)]
        if self.sequential:
            sel.append(day_expr(lf.collect_schema(), date).alias("_d"))
        lf = lf.select(sel).drop_nulls()
        if self.sequential:
            # first purchase day of each product per customer
            pairs = lf.group_by(customer, product).agg(pl.col("_d").min())
        else:
            pairs = lf  # repeats are summed into the CSR matrix and made 0/1 below
        pairs = pairs.with_columns(
            (pl.col(customer).rank("dense") - 1).cast(pl.Int64).alias("_c"),
            (pl.col(product).rank("dense") - 1).cast(pl.Int64).alias("_p")).collect()
        if pairs.height == 0:
            raise ValueError("no purchases to count")
        self.products_ = pairs.select(pl.col(product).unique().sort()).to_series()
        n_c, n_p = int(pairs["_c"].max()) + 1, self.products_.len()
        c, p = pairs["_c"].to_numpy(), pairs["_p"].to_numpy()
        x = sparse.csr_matrix((np.ones(c.size, dtype=np.int64), (c, p)), shape=(n_c, n_p))
        x.sum_duplicates()  # repeated (customer, product) rows add up ...
        x.data[:] = 1  # ... and count once: a basket is a set
        self.n_baskets_ = n_c
        self.item_counts_ = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
        if self.sequential:
            counts = self._ordered_counts(pairs, n_p)
        else:
            counts = (x.T @ x).tocsr()
            counts.setdiag(0)
            counts.eliminate_zeros()
        self.pair_counts_ = counts
        self.rules_ = self._rules(self.min_support, self.min_count)
        return self

    def _ordered_counts(self, pairs: pl.DataFrame, n_p: int):
        from scipy import sparse

        # Rows sorted by customer; every row is paired with each row of its customer by index
        # arithmetic (np.repeat), and the pairs with an earlier first day are counted. A
        # customer with k products gives k^2 candidates, so customers are cut into blocks of
        # about _PAIR_BLOCK candidates to bound memory.
        s = pairs.select("_c", "_p", pl.col("_d").cast(pl.Int32)).sort("_c")
        c, p, d = s["_c"].to_numpy(), s["_p"].to_numpy(), s["_d"].to_numpy()
        k = np.bincount(c)
        start = np.concatenate([[0], np.cumsum(k)[:-1]])
        k_row = k[c]
        cand_end = np.cumsum(k_row)  # candidates up to and including each row
        cuts = np.searchsorted(cand_end, np.arange(_PAIR_BLOCK, int(cand_end[-1]), _PAIR_BLOCK))
        # never split a customer across blocks: move each cut to the start of its customer
        bounds = np.unique(np.concatenate([[0], start[c[np.minimum(cuts, c.size - 1)]], [c.size]]))
        dense = n_p * n_p <= _DENSE_MAX
        total = np.zeros(n_p * n_p, dtype=np.int64) if dense else sparse.csr_matrix((n_p, n_p), dtype=np.int64)
        for lo, hi in zip(bounds[:-1], bounds[1:]):  # a loop over memory blocks, not rows
            kr = k_row[lo:hi]
            left = np.repeat(np.arange(lo, hi), kr)
            offset = np.arange(left.size) - np.repeat(np.cumsum(kr) - kr, kr)
            right = start[c[left]] + offset
            keep = d[left] < d[right]
            a, b = p[left[keep]], p[right[keep]]
            if dense:
                total += np.bincount(a * n_p + b, minlength=n_p * n_p)
            else:
                total = total + sparse.csr_matrix((np.ones(a.size, dtype=np.int64), (a, b)), shape=(n_p, n_p))
        if dense:
            return sparse.csr_matrix(total.reshape(n_p, n_p))
        return total.tocsr()

    def _check(self) -> None:
        if not hasattr(self, "rules_"):
            raise NotFittedError("call fit() first")

    def _rules(self, min_support: float, min_count: int) -> pl.DataFrame:
        coo = self.pair_counts_.tocoo()
        n = self.n_baskets_
        # support >= min_support  <=>  n_AB >= ceil(min_support * N) (up to rounding; checked exactly below)
        keep = coo.data >= min_count
        i, j, n_ab = coo.row[keep], coo.col[keep], coo.data[keep].astype(np.int64)
        n_a, n_b = self.item_counts_[i], self.item_counts_[j]
        frame = pl.DataFrame({
            "antecedent": self.products_.gather(i), "consequent": self.products_.gather(j),
            "count": n_ab, "antecedent_count": n_a, "consequent_count": n_b,
            "support": n_ab / n, "confidence": n_ab / n_a, "lift": n_ab * float(n) / (n_a.astype(float) * n_b)})
        return (frame.filter(pl.col("support") >= min_support)
                .sort(["lift", "confidence", "count", "antecedent", "consequent"],
                      descending=[True, True, True, False, False]))

    # --- results ---------------------------------------------------------------------------
    def rules(self, *, min_support: float | None = None, min_count: int | None = None,
              min_confidence: float = 0.0, min_lift: float = 0.0, top: int | None = None) -> pl.DataFrame:
        """:attr:`rules_` with stricter thresholds (``None`` keeps the fitted ones), first ``top`` rows."""
        self._check()
        out = self.rules_.filter((pl.col("support") >= (min_support or 0.0)) & (pl.col("count") >= (min_count or 1))
                                 & (pl.col("confidence") >= min_confidence) & (pl.col("lift") >= min_lift))
        return out if top is None else out.head(top)

    def recommend(self, for_customer_products: Iterable[Any], *, top: int = 10, min_lift: float = 1.0) -> pl.DataFrame:
        """Products that customers with the same products bought (next), best first.

        Parameters
        ----------
        for_customer_products : iterable
            The customer's products (ids as in the fitted data; unknown ids are ignored).
        top : int
            At most this many products.
        min_lift : float
            Only rules with ``lift > min_lift`` (default 1: bought more often than by chance).

        Returns
        -------
        polars.DataFrame
            Columns :data:`RECOMMEND_COLUMNS`: the recommended ``product`` (never one the
            customer has), the owned ``antecedent`` of its best rule and that rule's
            ``count``, ``support``, ``confidence`` and ``lift``. Ranked by confidence,
            then lift, support and product id.
        """
        self._check()
        owned = pl.Series("antecedent", list(for_customer_products), dtype=self.products_.dtype, strict=False)
        frame = pl.DataFrame({"_c": pl.Series([0] * owned.len(), dtype=pl.Int64), "antecedent": owned})
        return self.recommend_all(frame, customer="_c", product="antecedent", top=top,
                                  min_lift=min_lift).drop("_c")

    def recommend_all(self, baskets: pl.DataFrame, *, customer: str, product: str, top: int = 10,
                      min_lift: float = 1.0) -> pl.DataFrame:
        """:meth:`recommend` for many customers at once (one polars join, no loop).

        Parameters
        ----------
        baskets : polars.DataFrame
            One row per (customer, product) owned (duplicates are fine).

        Returns
        -------
        polars.DataFrame
            The ``customer`` column, then :data:`RECOMMEND_COLUMNS`; at most ``top`` rows
            per customer, in rank order within each customer, customers sorted.
        """
        self._check()
        if top < 1:
            raise ValueError(f"top must be at least 1; got {top}")
        owned = (baskets.select(pl.col(customer), pl.col(product).cast(self.products_.dtype, strict=False)
                                .alias("antecedent")).drop_nulls().unique())
        rules = self.rules_.filter(pl.col("lift") > min_lift).select(
            "antecedent", pl.col("consequent").alias("product"), "count", "support", "confidence", "lift")
        cand = owned.join(rules, on="antecedent", how="inner")
        cand = cand.join(owned.rename({"antecedent": "product"}), on=[customer, "product"], how="anti")
        ranked = cand.sort([customer, "confidence", "lift", "support", "product", "antecedent"],
                           descending=[False, True, True, True, False, False])
        best = ranked.unique([customer, "product"], keep="first", maintain_order=True)
        return (best.group_by(customer, maintain_order=True).head(top)
                .select(customer, *RECOMMEND_COLUMNS))


def association_rules(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, product: str,
                      date: str | None = None, sequential: bool = False, min_support: float = 0.0,
                      min_count: int = 1) -> pl.DataFrame:
    """Shorthand: ``CrossSell(...).fit(...).rules_`` (columns :data:`RULE_COLUMNS`)."""
    return CrossSell(min_support=min_support, min_count=min_count, sequential=sequential).fit(
        transactions, customer=customer, product=product, date=date).rules_
