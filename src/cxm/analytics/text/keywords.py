"""Keywords per group: weighted log-odds ratios with an informative Dirichlet prior.

Which words set one branch's (or one month's) comments apart from the others? Raw
frequencies favour words common everywhere, and plain log-odds ratios favour rare words.
Monroe, Colaresi & Quinn (2008) shrink each word's log-odds towards a prior built from
the whole corpus and divide by the estimate's standard error, giving a z-score that ranks
words by how surely they belong to the group.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import polars as pl

from cxm.analytics.exceptions import NotFittedError

__all__ = ["Keyword", "KeywordContrast", "count_terms"]


@dataclass(frozen=True)
class Keyword:
    """One keyword of a group.

    Attributes
    ----------
    term : the token (a base form such as 배송 or 늦다).
    score : the z-score of the log-odds ratio against the other groups (``method ==
        "log-odds"``), or occurrences per 1,000 tokens when there is a single group
        (``method == "frequency"``).
    count : occurrences of the term in the group.
    delta : the prior-smoothed log-odds ratio (NaN for ``"frequency"``).
    method : ``"log-odds"`` or ``"frequency"``.
    """

    term: str
    score: float
    count: int
    delta: float
    method: str


def count_terms(docs: Sequence[Sequence[str]], groups: Sequence[Hashable] | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Term counts per group, without a Python loop over tokens.

    Parameters
    ----------
    docs : the tokens of each document.
    groups : the group label of each document (``None``: one group ``"all"``). Labels are
        compared as text.

    Returns
    -------
    labels : (G,) sorted group labels (str).
    vocabulary : (V,) sorted terms (str).
    counts : (G, V) int64 occurrences.
    n_docs : (G,) documents per group.
    """
    n = len(docs)
    if groups is None:
        labels_per_doc = pl.Series("g", ["all"] * n, dtype=pl.String)
    else:
        if len(groups) != n:
            raise ValueError(f"{len(groups)} group labels for {n} documents")
        labels_per_doc = pl.Series("g", [None if g is None else str(g) for g in groups], dtype=pl.String)
        missing = labels_per_doc.is_null().arg_true()
        if len(missing):
            raise ValueError(f"document {int(missing[0])} has no group label")
    labels = labels_per_doc.unique().sort()
    group_code = labels_per_doc.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n)
    words = pl.Series("w", list(chain.from_iterable(docs)), dtype=pl.String)
    vocabulary = words.unique().sort()
    term_code = words.cast(pl.Enum(vocabulary)).to_physical().to_numpy().astype(np.int64)
    G, V = len(labels), len(vocabulary)
    flat = np.repeat(group_code, lengths) * V + term_code
    counts = np.bincount(flat, minlength=G * V).reshape(G, V)
    n_docs = np.bincount(group_code, minlength=G)
    return (np.asarray(labels.to_list(), dtype=object), np.asarray(vocabulary.to_list(), dtype=object),
            counts, n_docs)


class KeywordContrast:
    """Keywords of each group against all the other groups (Monroe et al. 2008).

    Parameters
    ----------
    alpha0 : total weight of the informative Dirichlet prior. ``None`` (default) uses the
        corpus counts themselves as the prior (alpha_w = y_w, alpha0 = N), the usual
        choice when no background corpus exists; a number scales the corpus shares to
        that total (alpha_w = alpha0 * y_w / N).
    min_count : terms seen fewer times in the whole corpus are left out.

    Attributes
    ----------
    groups_ : (G,) group labels (str, sorted).
    vocabulary_ : (V,) terms (str, sorted).
    counts_ : (G, V) occurrences of each term in each group.
    n_docs_ : (G,) documents per group.
    prior_ : (V,) alpha_w.
    delta_ : (G, V) log-odds ratio of group i against the rest.
    variance_ : (G, V) its approximate variance.
    zscores_ : (G, V) delta_ / sqrt(variance_).
    method_ : ``"log-odds"``, or ``"frequency"`` when there is a single group (nothing to
        contrast with: the score is then occurrences per 1,000 tokens).

    Notes
    -----
    For group i against the pooled other groups j, with counts y, totals n and prior
    alpha_w (summing to alpha0), Monroe et al. (2008, eqs. 16 and 20-22):

    .. math::

        \\hat\\delta_w = \\log\\frac{y_{iw}+\\alpha_w}{n_i+\\alpha_0-y_{iw}-\\alpha_w}
                     - \\log\\frac{y_{jw}+\\alpha_w}{n_j+\\alpha_0-y_{jw}-\\alpha_w},\\qquad
        \\sigma^2(\\hat\\delta_w) \\approx \\frac{1}{y_{iw}+\\alpha_w} + \\frac{1}{y_{jw}+\\alpha_w},
        \\qquad z_w = \\hat\\delta_w / \\sigma(\\hat\\delta_w).

    References
    ----------
    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature
    selection and evaluation for identifying the content of political conflict.
    *Political Analysis* 16(4), 372-403.
    """

    def __init__(self, alpha0: float | None = None, *, min_count: int = 1) -> None:
        self.alpha0 = alpha0
        self.min_count = min_count

    def fit(self, docs: Sequence[Sequence[str]], groups: Sequence[Hashable] | None = None) -> "KeywordContrast":
        """Count terms per group and score every (group, term).

        Parameters
        ----------
        docs : the tokens of each document (see :class:`~cxm.analytics.text.tokenize.Tokenizer`).
        groups : the group of each document (unit, period, ...); ``None``: one group ``"all"``.
        """
        if self.alpha0 is not None and not (np.isfinite(self.alpha0) and self.alpha0 > 0):
            raise ValueError(f"alpha0 must be a positive number or None, got {self.alpha0!r}")
        if int(self.min_count) != self.min_count or self.min_count < 1:
            raise ValueError(f"min_count must be a positive integer, got {self.min_count!r}")
        labels, vocabulary, counts, n_docs = count_terms(docs, groups)
        keep = counts.sum(axis=0) >= self.min_count
        vocabulary, counts = vocabulary[keep], counts[:, keep]
        if vocabulary.size < 2:
            raise ValueError(f"need at least 2 distinct terms seen >= {self.min_count} times, got {vocabulary.size}")
        totals = counts.sum(axis=0).astype(np.float64)
        N = totals.sum()
        alpha0 = N if self.alpha0 is None else float(self.alpha0)
        alpha = totals * (alpha0 / N)
        y_i = counts.astype(np.float64)
        n_i = y_i.sum(axis=1, keepdims=True)
        y_j = totals - y_i
        n_j = N - n_i
        self.groups_ = labels
        self.vocabulary_ = vocabulary
        self.counts_ = counts
        self.n_docs_ = n_docs
        self.prior_ = alpha
        if labels.size == 1:
            self.method_ = "frequency"
            self.delta_ = np.full(counts.shape, np.nan)
            self.variance_ = np.full(counts.shape, np.nan)
            self.zscores_ = y_i / n_i * 1000.0
            return self
        self.method_ = "log-odds"
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = (np.log(y_i + alpha) - np.log(n_i + alpha0 - y_i - alpha)
                     - np.log(y_j + alpha) + np.log(n_j + alpha0 - y_j - alpha))
            variance = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
        self.delta_ = delta
        self.variance_ = variance
        self.zscores_ = delta / np.sqrt(variance)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "zscores_"):
            raise NotFittedError("KeywordContrast is not fitted; call fit(docs, groups) first")

    def top(self, n: int = 20, *, positive_only: bool = False) -> dict[str, list[Keyword]]:
        """The ``n`` best keywords of each group, best first (by score, then count, then term).

        Parameters
        ----------
        n : keywords per group.
        positive_only : keep only terms over-represented in the group (score > 0, and seen
            in the group at least once).
        """
        self._check_fitted()
        if int(n) != n or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        out: dict[str, list[Keyword]] = {}
        for g, label in enumerate(self.groups_):
            z, c = self.zscores_[g], self.counts_[g]
            # lexsort: last key first -> score desc, count desc, term asc
            order = np.lexsort((self.vocabulary_.astype(str), -c, -z))
            if positive_only:
                order = order[(z[order] > 0) & (c[order] > 0)]
            out[str(label)] = [Keyword(str(self.vocabulary_[v]), float(z[v]), int(c[v]), float(self.delta_[g, v]),
                                       self.method_) for v in order[: int(n)]]
        return out

    def summary(self) -> pl.DataFrame:
        """Every (group, term): count, delta, variance and score, best first within a group."""
        self._check_fitted()
        G, V = self.counts_.shape
        frame = pl.DataFrame({
            "group": np.repeat(self.groups_.astype(str), V),
            "term": np.tile(self.vocabulary_.astype(str), G),
            "count": self.counts_.ravel(),
            "delta": self.delta_.ravel(),
            "variance": self.variance_.ravel(),
            "score": self.zscores_.ravel(),
        })
        return frame.sort(["group", "score", "count", "term"], descending=[False, True, True, False])
