"""Topics of comments: NMF over TF-IDF, their trend over time and their link to satisfaction.

Non-negative matrix factorisation of the TF-IDF matrix gives each topic as a weighted set
of terms (labelled by its top terms) and each document as a mix of topics; a document
belongs to its heaviest topic. scikit-learn does the TF-IDF weighting and the coordinate
descent NMF (deterministic given the seed, sparse input, well tested); this module adds
labels, ordering, trends and the satisfaction link.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from cxm.analytics.exceptions import ConvergenceWarning, NotFittedError
from cxm.analytics.stats import holm

__all__ = ["Topic", "TopicModel", "TopicSatisfaction", "TopicSatisfactionResult"]

LABEL_SEPARATOR = " · "


@dataclass(frozen=True)
class Topic:
    """One topic: ``id`` (0 = the largest), ``label`` (top terms), ``terms`` (best first),
    ``weights`` (their NMF weights) and ``size`` (documents assigned to it)."""

    id: int
    label: str
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    size: int


@dataclass(frozen=True)
class TopicSatisfaction:
    """Satisfaction of the documents of one topic against all other documents with a topic.

    ``difference`` = ``mean`` - ``mean_rest``; ``t``, ``df`` and ``p_value`` come from
    Welch's two-sample t-test; ``p_adjusted`` is Holm-adjusted over the topics.
    """

    topic: int
    label: str
    n: int
    mean: float
    n_rest: int
    mean_rest: float
    difference: float
    t: float
    df: float
    p_value: float
    p_adjusted: float


@dataclass(frozen=True)
class TopicSatisfactionResult:
    """Per-topic satisfaction, sorted from the lowest mean score up."""

    rows: tuple[TopicSatisfaction, ...]
    nobs: int
    method: str = "Welch t-test, topic vs rest; Holm adjustment"

    def summary(self) -> pl.DataFrame:
        """One row per topic with every field of :class:`TopicSatisfaction`."""
        fields = TopicSatisfaction.__dataclass_fields__
        return pl.DataFrame([{f: getattr(r, f) for f in fields} for r in self.rows],
                            schema={"topic": pl.Int64, "label": pl.String, "n": pl.Int64, "mean": pl.Float64,
                                    "n_rest": pl.Int64, "mean_rest": pl.Float64, "difference": pl.Float64,
                                    "t": pl.Float64, "df": pl.Float64, "p_value": pl.Float64,
                                    "p_adjusted": pl.Float64})


def _identity(tokens):
    # module level (not a lambda) so a fitted vectorizer can be pickled
    return tokens


class TopicModel:
    """NMF topics over TF-IDF of pre-tokenised documents.

    Parameters
    ----------
    k : number of topics.
    seed : random seed of the NMF initialisation.
    n_terms : top terms kept per topic; the label joins the first ``n_label_terms``.
    n_label_terms : terms in a topic's label.
    min_df, max_df : TF-IDF document-frequency bounds (count or share, as scikit-learn).
    max_features : vocabulary cap (most frequent terms).
    max_iter, tol : NMF stopping rule.

    Attributes
    ----------
    vocabulary_ : (V,) terms.
    components_ : (k, V) topic-term weights, topics ordered by size (0 = largest).
    doc_topic_weights_ : (n, k) document-topic weights of the fitted documents.
    doc_topic_ : (n,) topic of each fitted document; -1 when it has no known term.
    topics_ : list of :class:`Topic`.
    reconstruction_err_, n_iter_ : from the NMF fit.

    Notes
    -----
    TF-IDF uses sublinear term frequency (1 + log tf), smooth idf and L2-normalised rows,
    so long comments do not dominate; NMF minimises the Frobenius loss
    ``||X - W H||^2`` with NNDSVDa initialisation (Boutsidis & Gallopoulos 2008) and
    coordinate descent (Cichocki & Phan 2009).

    References
    ----------
    Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
    factorization. *Nature* 401, 788-791.
    Boutsidis, C. & Gallopoulos, E. (2008). SVD based initialization: a head start for
    nonnegative matrix factorization. *Pattern Recognition* 41(4), 1350-1362.
    Cichocki, A. & Phan, A.-H. (2009). Fast local algorithms for large scale nonnegative
    matrix and tensor factorizations. *IEICE Trans. Fundamentals* E92-A(3), 708-721.
    """

    def __init__(self, k: int = 8, *, seed: int = 0, n_terms: int = 10, n_label_terms: int = 3,
                 min_df: int | float = 2, max_df: int | float = 0.95, max_features: int | None = 20_000,
                 max_iter: int = 400, tol: float = 1e-4) -> None:
        self.k = k
        self.seed = seed
        self.n_terms = n_terms
        self.n_label_terms = n_label_terms
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, docs: Sequence[Sequence[str]]) -> "TopicModel":
        """Fit the TF-IDF weighting and the NMF topics on token lists.

        Parameters
        ----------
        docs : the tokens of each document (see :class:`~cxm.analytics.text.tokenize.Tokenizer`).
        """
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer

        if int(self.k) != self.k or self.k < 1:
            raise ValueError(f"k must be a positive integer, got {self.k!r}")
        if int(self.n_terms) != self.n_terms or self.n_terms < 1:
            raise ValueError(f"n_terms must be a positive integer, got {self.n_terms!r}")
        docs = list(docs)
        if not docs:
            raise ValueError("no documents")
        vectorizer = TfidfVectorizer(analyzer=_identity, lowercase=False, sublinear_tf=True,
                                     min_df=self.min_df, max_df=self.max_df, max_features=self.max_features)
        try:
            X = vectorizer.fit_transform(docs)
        except ValueError as exc:  # empty vocabulary, or min_df/max_df leave nothing
            raise ValueError(f"no terms left for topics ({exc}); {len(docs)} documents") from None
        if X.shape[1] < self.k:
            raise ValueError(f"k={self.k} topics need at least {self.k} terms, the vocabulary has {X.shape[1]}")
        nmf = NMF(n_components=int(self.k), init="nndsvda", solver="cd", beta_loss="frobenius",
                  max_iter=int(self.max_iter), tol=float(self.tol), random_state=int(self.seed))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SkConvergenceWarning)
            W = nmf.fit_transform(X)
        for w in caught:
            if issubclass(w.category, SkConvergenceWarning):
                warnings.warn(f"NMF did not converge in {self.max_iter} iterations (tol={self.tol}); "
                              "raise max_iter or tol", ConvergenceWarning, stacklevel=2)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        H = nmf.components_
        assigned = W.argmax(axis=1)
        has_topic = W.max(axis=1) > 0
        # order topics by size (then by total weight) so ids read as "0 = most common"
        size = np.bincount(assigned[has_topic], minlength=self.k)
        order = np.lexsort((-W.sum(axis=0), -size))
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
        self.components_ = H[order]
        self.doc_topic_weights_ = W[:, order]
        self.doc_topic_ = np.where(has_topic, rank[assigned], -1)
        self.reconstruction_err_ = float(nmf.reconstruction_err_)
        self.n_iter_ = int(nmf.n_iter_)
        self._vectorizer = vectorizer
        self._nmf = nmf
        self._order = order
        self.topics_ = self._describe(size[order])
        return self

    def _describe(self, sizes: np.ndarray) -> list[Topic]:
        n_terms = min(int(self.n_terms), self.vocabulary_.size)
        topics = []
        for t, row in enumerate(self.components_):
            top = np.lexsort((self.vocabulary_.astype(str), -row))[:n_terms]
            top = top[row[top] > 0]
            terms = tuple(str(v) for v in self.vocabulary_[top])
            label = LABEL_SEPARATOR.join(terms[: int(self.n_label_terms)]) or f"topic {t}"
            topics.append(Topic(t, label, terms, tuple(float(x) for x in row[top]), int(sizes[t])))
        return topics

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("TopicModel is not fitted; call fit(docs) first")

    @property
    def labels_(self) -> list[str]:
        """The label of each topic."""
        self._check_fitted()
        return [t.label for t in self.topics_]

    def transform(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Topic weights (n, k) of new token lists, with the fitted TF-IDF and topics."""
        self._check_fitted()
        W = self._nmf.transform(self._vectorizer.transform(list(docs)))
        return W[:, self._order]

    def predict(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Topic id of each new document (-1 when it has no known term)."""
        W = self.transform(docs)
        return np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1) if W.size else np.zeros(0, dtype=np.int64)

    def summary(self) -> pl.DataFrame:
        """One row per topic: id, label, terms (joined), size and share of the fitted documents."""
        self._check_fitted()
        n = len(self.doc_topic_)
        return pl.DataFrame({
            "id": [t.id for t in self.topics_],
            "label": [t.label for t in self.topics_],
            "terms": [", ".join(t.terms) for t in self.topics_],
            "size": [t.size for t in self.topics_],
            "share": [t.size / n for t in self.topics_],
        })

    def trend(self, dates: Sequence | pl.Series, *, every: str = "1mo") -> pl.DataFrame:
        """Topic counts and shares per period for the fitted documents.

        Parameters
        ----------
        dates : the date of each fitted document (``date``/``datetime`` or ISO text);
            documents with no date, or without a topic, are left out.
        every : period length, a polars duration (``"1mo"``, ``"1w"``, ``"1q"``, ``"1y"``).

        Returns
        -------
        DataFrame ``period``, ``topic``, ``label``, ``n``, ``share`` (of the period's
        documents with a topic); every period has a row for every topic (0 when absent).
        """
        self._check_fitted()
        series = dates if isinstance(dates, pl.Series) else pl.Series("date", list(dates))
        if len(series) != len(self.doc_topic_):
            raise ValueError(f"{len(series)} dates for {len(self.doc_topic_)} fitted documents")
        if series.dtype == pl.String:
            series = series.str.to_date(strict=False)
        elif series.dtype == pl.Datetime:
            series = series.dt.date()
        elif series.dtype != pl.Date:
            raise ValueError(f"dates must be dates or ISO text, got {series.dtype}")
        if every.endswith("q"):  # polars spells a quarter as 3 months
            every = f"{3 * int(every[:-1] or 1)}mo"
        frame = (pl.DataFrame({"date": series, "topic": self.doc_topic_})
                 .filter(pl.col("date").is_not_null() & (pl.col("topic") >= 0))
                 .with_columns(pl.col("date").dt.truncate(every).alias("period")))
        counts = frame.group_by("period", "topic").len(name="n")
        grid = (frame.select("period").unique()
                .join(pl.DataFrame({"topic": np.arange(len(self.topics_)), "label": self.labels_}), how="cross"))
        out = (grid.join(counts, on=["period", "topic"], how="left")
               .with_columns(pl.col("n").fill_null(0).cast(pl.Int64))
               .with_columns((pl.col("n") / pl.col("n").sum().over("period")).alias("share"))
               .sort("period", "topic"))
        return out.select("period", "topic", "label", "n", "share")

    def satisfaction(self, scores: Sequence[float] | np.ndarray) -> TopicSatisfactionResult:
        """Which topics go with low scores: each topic's mean score against the other documents.

        Parameters
        ----------
        scores : a satisfaction score of each fitted document (NaN = missing; such
            documents, and documents without a topic, are left out).

        Returns
        -------
        :class:`TopicSatisfactionResult`, rows sorted by mean score (lowest first).

        Notes
        -----
        Welch's t-test (unequal variances) compares a topic's documents with all other
        documents that have a topic; the p-values are Holm-adjusted over the k tests.
        Topics with fewer than two documents on either side get NaN statistics.
        """
        from scipy import stats

        self._check_fitted()
        y = np.asarray(scores, dtype=np.float64)
        if y.shape != self.doc_topic_.shape:
            raise ValueError(f"{y.size} scores for {self.doc_topic_.size} fitted documents")
        ok = np.isfinite(y) & (self.doc_topic_ >= 0)
        y, topic = y[ok], self.doc_topic_[ok]
        rows = []
        for t in self.topics_:  # k topics, not rows
            inside = topic == t.id
            a, b = y[inside], y[~inside]
            if a.size >= 2 and b.size >= 2:
                res = stats.ttest_ind(a, b, equal_var=False)
                tt, p, df = float(res.statistic), float(res.pvalue), float(res.df)
            else:
                tt = p = df = float("nan")
            rows.append([t.id, t.label, int(a.size), float(a.mean()) if a.size else float("nan"), int(b.size),
                         float(b.mean()) if b.size else float("nan"), tt, df, p])
        p_adj = holm(np.array([r[-1] for r in rows], dtype=np.float64))
        out = [TopicSatisfaction(topic=r[0], label=r[1], n=r[2], mean=r[3], n_rest=r[4], mean_rest=r[5],
                                 difference=r[3] - r[5], t=r[6], df=r[7], p_value=r[8], p_adjusted=float(pa))
               for r, pa in zip(rows, p_adj)]
        out.sort(key=lambda r: (np.inf if np.isnan(r.mean) else r.mean, r.topic))
        return TopicSatisfactionResult(tuple(out), nobs=int(ok.sum()))
