"""Churn risk: behavioural features, labels, a classifier and its time-based validation.

The pieces, all pure (polars / numpy / scikit-learn):

* :func:`churn_features` -- one row per customer with a transaction on or before a cutoff
  date, with the behaviour up to that date (see :data:`FEATURES`), optionally joined with
  satisfaction scores and complaint counts;
* :func:`churn_labels` (non-contractual: "no purchase in the next ``H`` days") and
  :func:`contract_churn_labels` (contractual: "cancelled within ``H`` days");
* :class:`ChurnClassifier` -- a scikit-learn style estimator (``fit`` / ``predict_proba``,
  fitted attributes end in ``_``): logistic regression on standardised features by default,
  histogram gradient boosting as an option;
* :func:`holdout_validate` -- the time-based holdout: train on the features at ``t0`` with
  the labels of ``(t0, t0 + H]``, test on the features at ``t1 = t0 + H`` with the labels of
  ``(t1, t1 + H]``; AUC, Brier score, a decile calibration table and the top-decile lift,
  as the frozen dataclass :class:`ChurnValidation`;
* :func:`churn_scores` -- the production use: fit at ``as_of - H`` (labels up to
  ``as_of``) and score every customer's features at ``as_of``;
* the metrics :func:`auc_score` (Mann-Whitney), :func:`brier_score`,
  :func:`calibration_table` and :func:`top_decile_lift`.

Features (days are calendar days; ``W`` = ``trend_days``)
---------------------------------------------------------
``recency_days``      days from the last purchase to the cutoff (0 = bought on the cutoff)
``frequency``         transactions (rows) on or before the cutoff
``tenure_days``       days from the first purchase to the cutoff
``ipt_mean``          mean days between distinct purchase days; null with one purchase day
``ipt_overdue``       ``recency_days / max(ipt_mean, 1)`` (how late the next purchase is);
                      null with one purchase day
``count_trend``       ``(n_recent - n_previous) / (n_recent + n_previous)`` with the
                      transactions of ``(cutoff - W, cutoff]`` and ``(cutoff - 2W, cutoff - W]``;
                      in [-1, 1], 0 when both are 0
``monetary``          total amount (only with ``amount``)
``avg_amount``        ``monetary / frequency`` (only with ``amount``)
``spend_trend``       as ``count_trend`` on the amounts (only with ``amount``)
``satisfaction``      mean ``score`` of the customer's survey answers on or before the cutoff
                      (only with ``satisfaction``; null when the customer has none)
``complaints``        number of complaints on or before the cutoff (only with ``complaints``)

Missing values are left null in the frame: the classifier imputes them (the training mean plus a
missing-indicator column for the logistic model; native handling for gradient boosting).

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *JMR* 42(4) (recency/frequency as churn drivers); Neslin, S. A. et
al. (2006). Defection detection. *JMR* 43(2) (time-based holdout, top-decile lift);
Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a ROC curve.
*Radiology* 143 (AUC = Mann-Whitney U / (n1 n0)); Brier, G. W. (1950). *Monthly Weather
Review* 78.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin

from .dates import as_date
from .exceptions import NotFittedError
from .rfm import day_expr, lazy_frame

__all__ = ["FEATURES", "CalibrationBin", "ChurnClassifier", "ChurnValidation", "auc_score", "brier_score",
           "calibration_table", "churn_features", "churn_frame", "churn_labels", "churn_scores",
           "contract_churn_labels", "feature_columns", "holdout_validate", "top_decile_lift"]

#: Every feature :func:`churn_features` can produce, in output order.
FEATURES: tuple[str, ...] = ("recency_days", "frequency", "tenure_days", "ipt_mean", "ipt_overdue", "count_trend",
                             "monetary", "avg_amount", "spend_trend", "satisfaction", "complaints")

Model = Literal["logistic", "gbm"]


# --- features and labels -----------------------------------------------------------------------
def _days(n: int) -> _dt.timedelta:
    return _dt.timedelta(days=int(n))


def _trend(recent: pl.Expr, previous: pl.Expr) -> pl.Expr:
    total = recent + previous
    return pl.when(total > 0).then((recent - previous) / total).otherwise(0.0)


def churn_features(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str,
                   cutoff: _dt.date | str, amount: str | None = None, trend_days: int = 90,
                   satisfaction: pl.DataFrame | None = None,
                   complaints: pl.DataFrame | None = None) -> pl.DataFrame:
    """Behavioural features per customer at ``cutoff`` (see the module docstring).

    Parameters
    ----------
    transactions : polars.DataFrame or LazyFrame
        One row per transaction; rows after ``cutoff`` are ignored.
    customer, date : str
        Columns of the customer id and the transaction date (Date, Datetime, ISO text or
        YYYYMMDD integers).
    cutoff : date or str
        The observation date (inclusive).
    amount : str, optional
        Column of the transaction amount; adds ``monetary``, ``avg_amount``, ``spend_trend``.
    trend_days : int
        Window ``W`` of the trends (last ``W`` days against the ``W`` days before).
    satisfaction : polars.DataFrame, optional
        Survey answers: the ``customer`` column, a numeric ``score`` column and, optionally,
        the ``date`` column (answers after the cutoff are then ignored). Adds ``satisfaction``
        (mean score; null for customers without an answer).
    complaints : polars.DataFrame, optional
        One row per complaint: the ``customer`` column and optionally the ``date`` column.
        Adds ``complaints`` (count on or before the cutoff; 0 for none).

    Returns
    -------
    polars.DataFrame
        The ``customer`` column (original name and type) and the features, Float64 except
        ``frequency`` and ``complaints`` (Int64); sorted by customer. Customers without a
        transaction on or before the cutoff are absent.
    """
    if trend_days < 1:
        raise ValueError(f"trend_days must be at least 1; got {trend_days}")
    cols = (customer, date) + ((amount,) if amount else ())
    lf = lazy_frame(transactions, cols)
    end = as_date(cutoff, "cutoff")
    mid, start = end - _days(trend_days), end - _days(2 * trend_days)
    d = pl.col("_d")
    recent, previous = d > pl.lit(mid), (d > pl.lit(start)) & (d <= pl.lit(mid))
    sel = [pl.col(customer), day_expr(lf.collect_schema(), date).alias("_d")]
    aggs = [d.min().alias("_first"), d.max().alias("_last"), pl.len().cast(pl.Int64).alias("frequency"),
            d.n_unique().alias("_ndays"), recent.sum().cast(pl.Float64).alias("_nr"),
            previous.sum().cast(pl.Float64).alias("_np")]
    if amount:
        sel.append(pl.col(amount).cast(pl.Float64).alias("_a"))
        a = pl.col("_a")
        aggs += [a.sum().alias("monetary"), a.filter(recent).sum().alias("_ar"), a.filter(previous).sum().alias("_ap")]
    g = (lf.select(sel).filter(d <= pl.lit(end)).group_by(customer).agg(aggs)
         .with_columns((pl.lit(end) - pl.col("_last")).dt.total_days().cast(pl.Float64).alias("recency_days"),
                       (pl.lit(end) - pl.col("_first")).dt.total_days().cast(pl.Float64).alias("tenure_days"),
                       pl.when(pl.col("_ndays") > 1)
                       .then((pl.col("_last") - pl.col("_first")).dt.total_days() / (pl.col("_ndays") - 1))
                       .otherwise(None).cast(pl.Float64).alias("ipt_mean"),
                       _trend(pl.col("_nr"), pl.col("_np")).alias("count_trend"))
         .with_columns((pl.col("recency_days") / pl.col("ipt_mean").clip(lower_bound=1.0)).alias("ipt_overdue")))
    if amount:
        g = g.with_columns((pl.col("monetary") / pl.col("frequency")).alias("avg_amount"),
                           _trend(pl.col("_ar"), pl.col("_ap")).alias("spend_trend"))
    if satisfaction is not None:
        s = _side_frame(satisfaction, customer, date, end, ("score",), "satisfaction")
        g = g.join(s.group_by(customer).agg(pl.col("score").cast(pl.Float64).mean().alias("satisfaction")),
                   on=customer, how="left")
    if complaints is not None:
        c = _side_frame(complaints, customer, date, end, (), "complaints")
        g = (g.join(c.group_by(customer).agg(pl.len().cast(pl.Int64).alias("complaints")), on=customer, how="left")
             .with_columns(pl.col("complaints").fill_null(0)))
    names = g.collect_schema().names()
    return g.select(customer, *[f for f in FEATURES if f in names]).sort(customer).collect()


def _side_frame(frame: pl.DataFrame, customer: str, date: str, end: _dt.date, needed: tuple[str, ...],
                what: str) -> pl.LazyFrame:
    missing = [c for c in (customer, *needed) if c not in frame.columns]
    if missing:
        raise ValueError(f"the {what} frame lacks column(s) {missing}; it has {frame.columns}")
    lf = frame.lazy()
    if date in frame.columns:
        lf = lf.filter(day_expr(frame.schema, date) <= pl.lit(end))
    return lf


def churn_labels(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str,
                 cutoff: _dt.date | str, horizon_days: int, check_coverage: bool = True) -> pl.DataFrame:
    """Non-contractual label: ``churned`` = no transaction in ``(cutoff, cutoff + horizon_days]``.

    Only customers with a transaction on or before ``cutoff`` get a label.

    Parameters
    ----------
    check_coverage : bool
        Raise ValueError when the data end before ``cutoff + horizon_days`` (the labels
        would call customers churned only because the data stop).

    Returns
    -------
    polars.DataFrame
        ``customer`` and ``churned`` (Boolean), sorted by customer.
    """
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be at least 1; got {horizon_days}")
    lf = lazy_frame(transactions, (customer, date))
    end = as_date(cutoff, "cutoff")
    stop = end + _days(horizon_days)
    d = day_expr(lf.collect_schema(), date)
    g = (lf.select(pl.col(customer), d.alias("_d"))
         .group_by(customer)
         .agg((pl.col("_d") <= pl.lit(end)).any().alias("_seen"),
              ((pl.col("_d") > pl.lit(end)) & (pl.col("_d") <= pl.lit(stop))).any().alias("_bought"),
              pl.col("_d").max().alias("_max"))
         .collect())
    if check_coverage:
        latest = g["_max"].max()
        if latest is None or latest < stop:
            raise ValueError(f"the labels need transactions through {stop.isoformat()} (cutoff + horizon); "
                             f"the data end on {latest}")
    return g.filter(pl.col("_seen")).select(customer, (~pl.col("_bought")).alias("churned")).sort(customer)


def contract_churn_labels(contracts: pl.DataFrame, *, customer: str, ended_on: str, cutoff: _dt.date | str,
                          horizon_days: int, started_on: str | None = None) -> pl.DataFrame:
    """Contractual label: ``churned`` = the contract ended (was cancelled) in ``(cutoff, cutoff + H]``.

    Parameters
    ----------
    contracts : polars.DataFrame
        One row per customer: the ``customer`` column, ``ended_on`` (the cancellation date;
        null while active) and optionally ``started_on``.

    Returns
    -------
    polars.DataFrame
        ``customer`` and ``churned`` for the customers active at the cutoff (started on or
        before it, when ``started_on`` is given, and not ended on or before it).
    """
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be at least 1; got {horizon_days}")
    needed = (customer, ended_on) + ((started_on,) if started_on else ())
    missing = [c for c in needed if c not in contracts.columns]
    if missing:
        raise ValueError(f"the contracts frame lacks column(s) {missing}; it has {contracts.columns}")
    if contracts[customer].n_unique() != contracts.height:
        raise ValueError("the contracts frame must have one row per customer")
    end = as_date(cutoff, "cutoff")
    stop = end + _days(horizon_days)
    e = day_expr(contracts.schema, ended_on) if contracts.schema[ended_on] != pl.Null else pl.lit(None, pl.Date)
    active = e.is_null() | (e > pl.lit(end))
    if started_on:
        active = active & (day_expr(contracts.schema, started_on) <= pl.lit(end))
    return (contracts.filter(active)
            .select(customer, (e.is_not_null() & (e <= pl.lit(stop))).alias("churned")).sort(customer))


def churn_frame(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str, cutoff: _dt.date | str,
                horizon_days: int, amount: str | None = None, trend_days: int | None = None,
                satisfaction: pl.DataFrame | None = None, complaints: pl.DataFrame | None = None,
                contracts: pl.DataFrame | None = None, contract_end: str = "ended_on",
                contract_start: str | None = None) -> pl.DataFrame:
    """Features at ``cutoff`` joined with the label of ``(cutoff, cutoff + horizon_days]``.

    Non-contractual labels (:func:`churn_labels`) unless ``contracts`` is given, then
    contractual ones (:func:`contract_churn_labels`; customers without features or not
    active at the cutoff drop out). ``trend_days`` defaults to ``horizon_days``.

    Returns
    -------
    polars.DataFrame
        The :func:`churn_features` columns and ``churned`` (Boolean).
    """
    feats = churn_features(transactions, customer=customer, date=date, cutoff=cutoff, amount=amount,
                           trend_days=trend_days or horizon_days, satisfaction=satisfaction, complaints=complaints)
    if contracts is None:
        labels = churn_labels(transactions, customer=customer, date=date, cutoff=cutoff, horizon_days=horizon_days)
    else:
        labels = contract_churn_labels(contracts, customer=customer, ended_on=contract_end, cutoff=cutoff,
                                       horizon_days=horizon_days, started_on=contract_start)
        labels = labels.with_columns(pl.col(customer).cast(feats.schema[customer]))
    return feats.join(labels, on=customer, how="inner").sort(customer)


def feature_columns(frame: pl.DataFrame) -> list[str]:
    """The columns of ``frame`` that are features (:data:`FEATURES`), in their canonical order."""
    return [f for f in FEATURES if f in frame.columns]


# --- metrics -----------------------------------------------------------------------------------
def _yp(y: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y).astype(bool).ravel()
    p = np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y and p differ in length: {y.size} vs {p.size}")
    if y.size == 0:
        raise ValueError("no observations")
    return y, p


def auc_score(y: Any, p: Any) -> float:
    """Area under the ROC curve as the Mann-Whitney statistic.

    ``AUC = (R1 - n1 (n1 + 1) / 2) / (n1 n0)`` with ``R1`` the sum of the (average, for
    ties) ranks of the positives' scores: the probability that a random positive scores
    above a random negative, ties counting one half.

    Raises
    ------
    ValueError
        When ``y`` holds only one class.
    """
    y, p = _yp(y, p)
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        raise ValueError("AUC needs both classes in y")
    ranks = pl.Series(p).rank(method="average").to_numpy()
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def brier_score(y: Any, p: Any) -> float:
    """Brier score: the mean of ``(p - y)^2`` (0 is perfect; ``r (1 - r)`` for a constant ``r``)."""
    y, p = _yp(y, p)
    return float(np.mean((p - y) ** 2))


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of the calibration table (bin 1 = lowest predicted risk)."""

    bin: int
    n: int
    mean_predicted: float
    observed_rate: float
    min_predicted: float
    max_predicted: float


def _bins(p: np.ndarray, bins: int) -> np.ndarray:
    # equal-count bins on the order of p; a stable sort makes ties deterministic (by position)
    order = np.argsort(p, kind="stable")
    out = np.empty(p.size, dtype=np.int64)
    out[order] = (bins * np.arange(p.size)) // p.size
    return out


def calibration_table(y: Any, p: Any, *, bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Mean predicted probability against the observed rate in equal-count bins of ``p``.

    Observations are sorted by ``p`` (stable, so ties keep their order) and cut into
    ``bins`` groups of (nearly) equal size: position ``i`` of ``n`` goes to bin
    ``1 + floor(bins * i / n)``. Empty bins (``n < bins``) are left out.
    """
    if bins < 1:
        raise ValueError(f"bins must be at least 1; got {bins}")
    y, p = _yp(y, p)
    b = _bins(p, bins)
    n = np.bincount(b, minlength=bins)
    sp = np.bincount(b, weights=p, minlength=bins)
    sy = np.bincount(b, weights=y.astype(float), minlength=bins)
    lo = np.full(bins, np.inf)
    hi = np.full(bins, -np.inf)
    np.minimum.at(lo, b, p)
    np.maximum.at(hi, b, p)
    return tuple(CalibrationBin(k + 1, int(n[k]), float(sp[k] / n[k]), float(sy[k] / n[k]), float(lo[k]), float(hi[k]))
                 for k in range(bins) if n[k])


def top_decile_lift(y: Any, p: Any, *, fraction: float = 0.1) -> float:
    """Churn rate among the highest-``p`` ``fraction`` of customers over the overall rate.

    The top group is the last bin of :func:`calibration_table` with ``1 / fraction`` bins
    (``fraction = 0.1``: the top decile). NaN when nobody churned.
    """
    bins = round(1.0 / fraction)
    if not 0.0 < fraction <= 1.0 or abs(bins * fraction - 1.0) > 1e-9:
        raise ValueError(f"fraction must be 1/k for an integer k; got {fraction}")
    y, p = _yp(y, p)
    base = y.mean()
    if base == 0:
        return float("nan")
    top = _bins(p, bins) == bins - 1
    return float(y[top].mean() / base)


# --- the classifier ----------------------------------------------------------------------------
def _signed_log1p(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


def _matrix(X: Any, names: list[str] | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(X, pl.DataFrame):
        cols = names if names is not None else list(X.columns)
        missing = [c for c in cols if c not in X.columns]
        if missing:
            raise ValueError(f"X lacks the feature column(s) {missing}")
        return X.select([pl.col(c).cast(pl.Float64) for c in cols]).to_numpy(), cols
    arr = np.asarray(X, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-dimensional; got shape {arr.shape}")
    cols = names if names is not None else [f"x{j}" for j in range(arr.shape[1])]
    if arr.shape[1] != len(cols):
        raise ValueError(f"X has {arr.shape[1]} columns; the model was fitted on {len(cols)}")
    return arr, cols


class ChurnClassifier(ClassifierMixin, BaseEstimator):
    """Probability of churn from behavioural features (scikit-learn conventions).

    Parameters
    ----------
    model : {"logistic", "gbm"}
        ``logistic``: signed ``log1p`` of every feature (counts, days and money are
        skewed), mean imputation with missing-indicator columns, standardisation, then
        L2-regularised logistic regression (scikit-learn ``LogisticRegression``,
        Newton-Cholesky solver: exact and fast for few features and many customers).
        ``gbm``: scikit-learn ``HistGradientBoostingClassifier`` on the raw features
        (missing values handled natively; at most 100 rounds, 15 leaves, 50 rows a leaf).
    C : float
        Inverse regularisation strength of the logistic model.
    log_transform : bool
        Apply the signed ``log1p`` in the logistic model.
    max_iter : int
        Solver iterations (logistic) or boosting rounds (gbm).
    random_state : int
        Seed (gbm and the permutation importances).
    n_threads : int or None
        OpenMP threads of the gbm model (``threadpoolctl``); None leaves scikit-learn's
        default. The default 1 avoids the heavy slow-down of OpenMP spinning on a busy
        machine.

    Attributes
    ----------
    feature_names_in_ : list of str
        The feature columns, in the order used (a polars frame's column order, else
        ``x0, x1, ...``).
    classes_ : numpy.ndarray
        ``[False, True]`` (``True`` = churned); column 1 of :meth:`predict_proba` is P(churn).
    model_ : sklearn.pipeline.Pipeline
        The fitted scikit-learn pipeline.
    n_train_ : int
        Training rows.
    coefficients_ : dict[str, float]
        Logistic only: coefficient per transformed (log, standardised) input, keyed by
        feature name (missing indicators as ``missingindicator_<feature>``); positive =
        higher churn risk.
    intercept_ : float
        Logistic only.
    importances_ : dict[str, float]
        gbm only: permutation importance (mean drop of the training AUC when the feature is
        shuffled, 3 repeats on at most 20,000 training rows).
    """

    def __init__(self, model: Model = "logistic", C: float = 1.0, log_transform: bool = True,
                 max_iter: int = 1000, random_state: int = 0, n_threads: int | None = 1) -> None:
        self.model = model
        self.C = C
        self.log_transform = log_transform
        self.max_iter = max_iter
        self.random_state = random_state
        self.n_threads = n_threads

    def _threads(self):
        from contextlib import nullcontext

        from threadpoolctl import threadpool_limits

        return nullcontext() if self.n_threads is None else threadpool_limits(limits=self.n_threads, user_api="openmp")

    def _pipeline(self):
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer, StandardScaler

        if self.model == "logistic":
            from sklearn.linear_model import LogisticRegression

            steps = [FunctionTransformer(_signed_log1p, feature_names_out="one-to-one")] if self.log_transform else []
            # mean, not median: the median imputer sorts every column (seconds on a million rows)
            return make_pipeline(*steps, SimpleImputer(strategy="mean", add_indicator=True), StandardScaler(),
                                 LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=self.max_iter))
        if self.model == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier

            # shallow, well-populated leaves: churn data are noisy and deep trees give
            # over-confident (badly calibrated) probabilities
            return make_pipeline(HistGradientBoostingClassifier(
                max_iter=min(self.max_iter, 100), learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=50,
                early_stopping=False, random_state=self.random_state))
        raise ValueError(f"model must be 'logistic' or 'gbm'; got {self.model!r}")

    def fit(self, X: Any, y: Any) -> ChurnClassifier:
        """Fit on features ``X`` (polars frame or 2-d array) and labels ``y`` (True = churned)."""
        arr, names = _matrix(X, None)
        target = np.asarray(y).astype(bool).ravel()
        if target.size != arr.shape[0]:
            raise ValueError(f"X has {arr.shape[0]} rows and y {target.size}")
        if target.all() or not target.any():
            raise ValueError("y must contain both churned and retained customers")
        pipe = self._pipeline()
        with self._threads():
            pipe.fit(arr, target)
        self.model_ = pipe
        self.feature_names_in_ = names
        self.classes_ = np.array([False, True])
        self.n_train_ = int(arr.shape[0])
        self.n_features_in_ = len(names)
        if self.model == "logistic":
            out = pipe[:-1].get_feature_names_out(names)
            self.coefficients_ = {str(k): float(v) for k, v in zip(out, pipe[-1].coef_[0])}
            self.intercept_ = float(pipe[-1].intercept_[0])
        else:
            with self._threads():
                self.importances_ = self._permutation_importances(arr, target)
        return self

    def _permutation_importances(self, arr: np.ndarray, y: np.ndarray) -> dict[str, float]:
        rng = np.random.default_rng(self.random_state)
        idx = rng.choice(arr.shape[0], size=min(arr.shape[0], 20_000), replace=False)
        xs, ys = arr[idx], y[idx]
        if ys.all() or not ys.any():
            return {n: float("nan") for n in self.feature_names_in_}
        base = auc_score(ys, self.model_.predict_proba(xs)[:, 1])
        out = {}
        for j, name in enumerate(self.feature_names_in_):  # a loop over features, not rows
            drops = []
            for _ in range(3):
                xp = xs.copy()
                xp[:, j] = xp[rng.permutation(xp.shape[0]), j]
                drops.append(base - auc_score(ys, self.model_.predict_proba(xp)[:, 1]))
            out[name] = float(np.mean(drops))
        return out

    def _check(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("call fit() first")

    def predict_proba(self, X: Any) -> np.ndarray:
        """``(n, 2)`` array: P(retained), P(churned)."""
        self._check()
        arr, _ = _matrix(X, self.feature_names_in_)
        with self._threads():
            return self.model_.predict_proba(arr)

    def churn_probability(self, X: Any) -> np.ndarray:
        """P(churned) per row of ``X`` (column 1 of :meth:`predict_proba`)."""
        return self.predict_proba(X)[:, 1]

    def predict(self, X: Any) -> np.ndarray:
        """True where P(churned) > 0.5."""
        return self.churn_probability(X) > 0.5

    def drivers(self) -> dict[str, float]:
        """``coefficients_`` (logistic) or ``importances_`` (gbm)."""
        self._check()
        return dict(self.coefficients_ if self.model == "logistic" else self.importances_)


# --- validation and scoring --------------------------------------------------------------------
@dataclass(frozen=True)
class ChurnValidation:
    """Result of :func:`holdout_validate`.

    Attributes
    ----------
    train_cutoff, test_cutoff : date
        ``t0`` and ``t1 = t0 + horizon_days``.
    horizon_days : int
    model : str
        "logistic" or "gbm".
    features : tuple of str
        Feature columns used.
    n_train, n_test : int
        Customers in the training and the test set.
    train_churn_rate, test_churn_rate : float
        Share labelled churned.
    auc : float
        Test AUC (:func:`auc_score`).
    brier : float
        Test Brier score (:func:`brier_score`).
    calibration : tuple of CalibrationBin
        Test deciles of the predicted probability (:func:`calibration_table`).
    top_decile_lift : float
        Test churn rate of the top decile over the test churn rate.
    drivers : dict[str, float]
        Coefficients (logistic) or permutation importances (gbm) of the fitted model.
    classifier : ChurnClassifier
        The model fitted at ``t0`` (not part of equality).
    """

    train_cutoff: _dt.date
    test_cutoff: _dt.date
    horizon_days: int
    model: str
    features: tuple[str, ...]
    n_train: int
    n_test: int
    train_churn_rate: float
    test_churn_rate: float
    auc: float
    brier: float
    calibration: tuple[CalibrationBin, ...]
    top_decile_lift: float
    drivers: dict[str, float]
    classifier: ChurnClassifier = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the contract of ``cxm churn --format json`` (see its docstring).

        Keys: ``model``, ``train_cutoff``, ``test_cutoff`` (ISO), ``horizon_days``,
        ``features``, ``n_train``, ``n_test``, ``train_churn_rate``, ``test_churn_rate``,
        ``auc``, ``brier``, ``top_decile_lift``, ``calibration`` (list of
        :class:`CalibrationBin` as dicts), ``coefficients`` (logistic: ``drivers`` plus
        ``intercept``; else None) and ``importances`` (gbm: ``drivers``; else None).
        Non-finite numbers become None.
        """
        from dataclasses import asdict

        from .jsonsafe import json_clean

        logistic = self.model == "logistic"
        return json_clean({
            "model": self.model, "train_cutoff": self.train_cutoff.isoformat(),
            "test_cutoff": self.test_cutoff.isoformat(), "horizon_days": self.horizon_days,
            "features": list(self.features), "n_train": self.n_train, "n_test": self.n_test,
            "train_churn_rate": self.train_churn_rate, "test_churn_rate": self.test_churn_rate,
            "auc": self.auc, "brier": self.brier, "top_decile_lift": self.top_decile_lift,
            "calibration": [asdict(b) for b in self.calibration],
            "coefficients": dict(self.drivers, intercept=self.classifier.intercept_) if logistic else None,
            "importances": None if logistic else dict(self.drivers),
        })


def holdout_validate(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str,
                     cutoff: _dt.date | str, horizon_days: int, amount: str | None = None,
                     model: Model = "logistic", trend_days: int | None = None,
                     satisfaction: pl.DataFrame | None = None, complaints: pl.DataFrame | None = None,
                     contracts: pl.DataFrame | None = None, contract_end: str = "ended_on",
                     contract_start: str | None = None, bins: int = 10, C: float = 1.0,
                     random_state: int = 0) -> ChurnValidation:
    """Time-based holdout validation of :class:`ChurnClassifier`.

    Train on :func:`churn_frame` at ``t0 = cutoff`` (labels from ``(t0, t0 + H]``), test on
    :func:`churn_frame` at ``t1 = t0 + H`` (labels from ``(t1, t1 + H]``), so the model never
    sees the period it is judged on. Non-contractual data must reach ``t0 + 2H``.

    Parameters are those of :func:`churn_frame` plus ``model``, ``bins`` (calibration
    bins), ``C`` and ``random_state`` (of the classifier).
    """
    t0 = as_date(cutoff, "cutoff")
    t1 = t0 + _days(horizon_days)
    if isinstance(transactions, pl.LazyFrame):
        transactions = transactions.collect()  # read twice below
    kw = dict(customer=customer, date=date, horizon_days=horizon_days, amount=amount, trend_days=trend_days,
              satisfaction=satisfaction, complaints=complaints, contracts=contracts, contract_end=contract_end,
              contract_start=contract_start)
    train = churn_frame(transactions, cutoff=t0, **kw)
    test = churn_frame(transactions, cutoff=t1, **kw)
    feats = feature_columns(train)
    clf = ChurnClassifier(model=model, C=C, random_state=random_state).fit(train.select(feats), train["churned"])
    y = test["churned"].to_numpy()
    if y.all() or not y.any():
        raise ValueError("the test period has only one class; choose another cutoff or horizon")
    p = clf.churn_probability(test.select(feats))
    return ChurnValidation(
        train_cutoff=t0, test_cutoff=t1, horizon_days=int(horizon_days), model=model, features=tuple(feats),
        n_train=train.height, n_test=test.height, train_churn_rate=float(train["churned"].mean()),
        test_churn_rate=float(y.mean()), auc=auc_score(y, p), brier=brier_score(y, p),
        calibration=calibration_table(y, p, bins=bins), top_decile_lift=top_decile_lift(y, p),
        drivers=clf.drivers(), classifier=clf)


def churn_scores(transactions: pl.DataFrame | pl.LazyFrame, *, customer: str, date: str, as_of: _dt.date | str,
                 horizon_days: int, amount: str | None = None, model: Model = "logistic",
                 trend_days: int | None = None, satisfaction: pl.DataFrame | None = None,
                 complaints: pl.DataFrame | None = None, contracts: pl.DataFrame | None = None,
                 contract_end: str = "ended_on", contract_start: str | None = None, C: float = 1.0,
                 random_state: int = 0) -> pl.DataFrame:
    """P(churn in the next ``horizon_days``) for every customer at ``as_of``.

    The classifier is fitted on :func:`churn_frame` at ``as_of - horizon_days`` (whose labels
    end on ``as_of``, so the data must reach ``as_of``) and applied to the features at
    ``as_of``. With ``contracts`` only customers active at ``as_of`` are scored.

    Returns
    -------
    polars.DataFrame
        The :func:`churn_features` columns at ``as_of`` plus ``churn_probability``
        (Float64), sorted by customer.
    """
    end = as_date(as_of, "as_of")
    if isinstance(transactions, pl.LazyFrame):
        transactions = transactions.collect()
    trend = trend_days or horizon_days
    train = churn_frame(transactions, customer=customer, date=date, cutoff=end - _days(horizon_days),
                        horizon_days=horizon_days, amount=amount, trend_days=trend, satisfaction=satisfaction,
                        complaints=complaints, contracts=contracts, contract_end=contract_end,
                        contract_start=contract_start)
    feats = feature_columns(train)
    clf = ChurnClassifier(model=model, C=C, random_state=random_state).fit(train.select(feats), train["churned"])
    now = churn_features(transactions, customer=customer, date=date, cutoff=end, amount=amount, trend_days=trend,
                         satisfaction=satisfaction, complaints=complaints)
    if contracts is not None:
        active = contract_churn_labels(contracts, customer=customer, ended_on=contract_end, cutoff=end,
                                       horizon_days=horizon_days, started_on=contract_start)
        now = now.join(active.select(pl.col(customer).cast(now.schema[customer])), on=customer, how="semi")
    return now.with_columns(pl.Series("churn_probability", clf.churn_probability(now.select(feats)), dtype=pl.Float64))
