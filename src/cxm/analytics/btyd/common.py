"""Shared machinery of the BTYD estimators: input checks, unique-row compression, the MLE loop.

Every model here is fitted by maximum likelihood on log-parameters (so that the
optimiser works on an unconstrained space) with L-BFGS-B. The customer summaries are
compressed to their unique ``(x, t_x, T)`` rows with integer weights first: a million
customers measured in days collapse to a few hundred thousand rows or fewer, and the
log-likelihood is a weighted sum over those rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import optimize
from scipy.special import expit

from cxm.analytics.exceptions import ConvergenceWarning, NotFittedError

__all__ = ["as_summary_arrays", "unique_rows", "weighted_unique_rows", "MLEModel", "ModelFit", "params_from"]


@dataclass(frozen=True)
class ModelFit:
    """The numbers of a fitted model, as they leave :mod:`cxm.analytics` (e.g. to be stored).

    ``loglik`` is the sum of the individual log-likelihoods (as the papers report it).
    """

    method: str
    params: dict[str, float]
    loglik: float
    n: int
    converged: bool


def _as_float_array(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be finite; got {arr[bad][0]!r} at position {int(np.argmax(bad))}")
    return arr


def as_summary_arrays(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a customer summary (lifetimes' conventions) and return float arrays.

    ``frequency`` counts repeat purchases (a non-negative integer), ``recency`` is the age
    at the last purchase and ``T`` the age at the end of calibration, both measured from
    the first purchase, so ``0 <= recency <= T`` and ``recency == 0`` when there is no
    repeat purchase. ``T == 0`` (acquired on the last calibration day) is allowed: such a
    customer adds nothing to the likelihood and is certainly alive.
    """
    x = _as_float_array(frequency, "frequency")
    t_x = _as_float_array(recency, "recency")
    t = _as_float_array(T, "T")
    if not (x.shape == t_x.shape == t.shape):
        raise ValueError(f"frequency, recency and T differ in length: {x.size}, {t_x.size}, {t.size}")
    if x.size == 0:
        raise ValueError("the customer summary is empty")
    checks = (
        ((x < 0) | (x != np.floor(x)), x, "frequency must be a non-negative integer"),
        (t_x < 0, t_x, "recency must be non-negative"),
        (t < 0, t, "T must be non-negative"),  # 0: acquired on the last calibration day
        (t_x > t * (1 + 1e-12), t_x, "recency must not exceed T"),
        ((x == 0) & (t_x != 0), t_x, "recency must be 0 when frequency is 0"),
    )
    for mask, values, message in checks:
        if mask.any():
            i = int(np.argmax(mask))
            raise ValueError(f"{message}; got {values[i]!r} for customer at position {i}")
    return x, t_x, t


def unique_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Compress equal rows: returns the unique columns, the row weights and the inverse index.

    ``columns[k][i] == unique[k][inverse[i]]`` for every row ``i``; ``weights`` counts
    the customers behind each unique row.
    """
    # Code each column by its distinct values (fast 1-D sorts), then the rows by one int64
    # key: np.unique(axis=0) sorts a structured view and is ~10x slower on a million rows.
    codes, values = [], []
    for col in columns:
        v, c = np.unique(col, return_inverse=True)
        values.append(v)
        codes.append(c.reshape(-1).astype(np.int64))
    sizes = [v.size for v in values]
    if float(np.prod(np.array(sizes, dtype=float))) >= 2.0 ** 62:
        stacked = np.column_stack(columns)
        uniq, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
        return [uniq[:, k].copy() for k in range(uniq.shape[1])], counts.astype(float), inverse.reshape(-1)
    key = codes[0]
    for c, size in zip(codes[1:], sizes[1:]):
        key = key * size + c
    ukey, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    out = []
    for v, size in zip(reversed(values), reversed(sizes)):
        out.append(v[ukey % size])
        ukey = ukey // size
    return out[::-1], counts.astype(float), inverse.reshape(-1)


def weighted_unique_rows(columns: list[np.ndarray], weights=None) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of ``columns`` with the number (or the summed ``weights``) of customers behind each.

    A polars group-by (hash based, multi-threaded): on a million customers it is several
    times faster than sorting the rows with numpy.
    """
    if weights is None:
        wts = np.ones(columns[0].size)
    else:
        wts = np.asarray(weights, dtype=float).reshape(-1)
        if wts.shape != columns[0].shape or not np.isfinite(wts).all() or (wts < 0).any():
            raise ValueError(f"weights must be finite, non-negative and one per customer; got shape {wts.shape}")
    names = [f"c{k}" for k in range(len(columns))]
    frame = pl.DataFrame({**dict(zip(names, columns)), "_w": wts})
    grouped = frame.group_by(names).agg(pl.col("_w").sum()).sort(names)
    return [grouped[name].to_numpy() for name in names], grouped["_w"].to_numpy()


class MLEModel:
    """Base of the maximum-likelihood estimators (scikit-learn shape).

    Subclasses define ``_param_names`` and ``_negloglik(logparams, data, weights)``
    returning ``(-LL, -dLL/dlogparams)`` summed over the rows with weights.
    """

    _param_names: tuple[str, ...] = ()
    _method: str = ""

    def __init__(self, *, initial_params: dict[str, float] | None = None, max_iter: int = 2000,
                 tol: float = 1e-9) -> None:
        self.initial_params = initial_params
        self.max_iter = max_iter
        self.tol = tol

    # -- fitting --------------------------------------------------------------------------
    def _default_start(self, data: Sequence[np.ndarray], weights: np.ndarray) -> np.ndarray:
        return np.zeros(len(self._param_names))

    def _negloglik(self, logp: np.ndarray, data: Sequence[np.ndarray], w: np.ndarray):  # pragma: no cover
        raise NotImplementedError

    def _minimise(self, data: Sequence[np.ndarray], weights: np.ndarray) -> None:
        if self.initial_params is not None:
            missing = [k for k in self._param_names if k not in self.initial_params]
            if missing:
                raise ValueError(f"initial_params lacks {missing!r}")
            start = np.log([float(self.initial_params[k]) for k in self._param_names])
        else:
            start = self._default_start(data, weights)
        n = float(weights.sum())

        # Scale by n so the tolerances mean the same for 2,000 and 1,000,000 customers.
        def objective(logp: np.ndarray):
            f, g = self._negloglik(logp, data, weights)
            if not np.isfinite(f):
                return np.inf, np.zeros_like(logp)
            return f / n, g / n

        start, hess_inv0 = self._warm_start(start, data, weights)
        # BFGS first: with 2-4 parameters its dense update is trivial, whereas L-BFGS-B's
        # compiled core spends milliseconds per step in BLAS calls on a busy machine.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            res = optimize.minimize(objective, start, jac=True, method="BFGS",
                                    options={"maxiter": self.max_iter, "gtol": self.tol, "hess_inv0": hess_inv0})
            f, g = self._negloglik(res.x, data, weights)
            if not (np.isfinite(f) and np.max(np.abs(g / n)) < 1e-6):
                # bounded fallback for starts where BFGS wanders off to extreme values
                res2 = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                                         bounds=[(-30.0, 30.0)] * len(start),
                                         options={"maxiter": self.max_iter, "ftol": 1e-15, "gtol": 1e-10})
                if not np.isfinite(f) or res2.fun <= res.fun:
                    res = res2
                    f, g = self._negloglik(res.x, data, weights)
        self.params_ = {k: float(v) for k, v in zip(self._param_names, np.exp(res.x))}
        self.loglik_ = float(-f)
        self.n_ = int(round(n))
        self.converged_ = bool(np.isfinite(f) and np.max(np.abs(g / n)) < 1e-5)
        self.n_iter_ = int(res.nit)
        if not self.converged_:
            warnings.warn(f"{type(self).__name__} did not converge: {res.message}", ConvergenceWarning,
                          stacklevel=3)

    _warm_rows = 20_000

    def _warm_start(self, start, data, weights):
        """For large data, fit a weighted subsample first and start from its optimum and curvature.

        The full-data BFGS then needs a handful of steps instead of ~25: the expensive
        likelihood over hundreds of thousands of rows is evaluated a few times only.
        """
        if weights.size <= 2 * self._warm_rows or not all(isinstance(d, np.ndarray) and d.shape == weights.shape
                                                          for d in data[:1]):
            return start, None
        rng = np.random.default_rng(0)
        draws = rng.choice(weights.size, size=self._warm_rows, p=weights / weights.sum())
        rows, counts = np.unique(draws, return_counts=True)
        sub = self._subset_data(data, rows)
        n_sub = float(counts.sum())

        def objective(logp):
            f, g = self._negloglik(logp, sub, counts.astype(float))
            if not np.isfinite(f):
                return np.inf, np.zeros_like(logp)
            return f / n_sub, g / n_sub

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            res = optimize.minimize(objective, start, jac=True, method="BFGS",
                                    options={"maxiter": self.max_iter, "gtol": 1e-6})
        if not np.isfinite(res.fun):
            return start, None
        h = (res.hess_inv + res.hess_inv.T) / 2
        try:
            np.linalg.cholesky(h)
        except np.linalg.LinAlgError:
            h = None  # fall back to the identity: the start is what matters most
        return res.x, h

    def _subset_data(self, data, rows):
        return tuple(d[rows] for d in data)

    @classmethod
    def from_params(cls, params: dict[str, float]):
        """A model with given parameters (e.g. read back from ``cxm btyd fit --format json``).

        ``loglik_`` is NaN and ``n_`` is 0 because nothing was fitted.
        """
        model = cls()
        model.params_ = params_from(params, cls._param_names, cls._method)
        model.loglik_ = float("nan")
        model.n_ = 0
        model.converged_ = True
        return model

    # -- helpers --------------------------------------------------------------------------
    def _check_fitted(self) -> dict[str, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        return self.params_

    def _log_params(self) -> np.ndarray:
        p = self._check_fitted()
        return np.log([p[k] for k in self._param_names])

    def loglik_individual(self, *data) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters (same data as ``fit``)."""
        raise NotImplementedError

    def result(self) -> ModelFit:
        """The fitted parameters, log-likelihood, n and convergence as a frozen dataclass."""
        params = self._check_fitted()
        return ModelFit(method=self._method, params=dict(params), loglik=self.loglik_, n=self.n_,
                        converged=self.converged_)

    def summary(self) -> pl.DataFrame:
        """Fitted parameters with approximate standard errors (inverse numerical Hessian).

        Columns: ``param``, ``estimate``, ``std_error``, ``method``.
        """
        params = self._check_fitted()
        se = self._standard_errors()
        return pl.DataFrame({
            "param": list(self._param_names),
            "estimate": [params[k] for k in self._param_names],
            "std_error": [float(s) for s in se],
            "method": [self._method] * len(self._param_names),
        })

    def _standard_errors(self) -> np.ndarray:
        if not hasattr(self, "_fit_data"):
            return np.full(len(self._param_names), np.nan)
        data, w = self._fit_data
        logp = self._log_params()
        k = len(logp)
        h = 1e-5
        hess = np.empty((k, k))
        for j in range(k):  # k <= 4: a loop over parameters, not rows
            e = np.zeros(k)
            e[j] = h
            gp = self._negloglik(logp + e, data, w)[1]
            gm = self._negloglik(logp - e, data, w)[1]
            hess[:, j] = (gp - gm) / (2 * h)
        hess = (hess + hess.T) / 2
        try:
            cov_log = np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            return np.full(k, np.nan)
        # delta method from log-parameters to parameters
        var = np.diag(cov_log) * np.exp(logp) ** 2
        return np.sqrt(np.where(var > 0, var, np.nan))


class PurchaseProcessModel(MLEModel):
    """Shared predictions of the non-contractual models (BG/NBD, MBG/NBD, Pareto/NBD).

    A subclass provides ``_log_death_odds(x, t_x, T)``: log P(dead) / P(alive) given the history.
    """

    def _log_death_odds(self, x, t_x, T) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def conditional_probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive at T | x, t_x, T)."""
        x, t_x, t = as_summary_arrays(frequency, recency, T)
        return expit(-self._log_death_odds(x, t_x, t))

    @staticmethod
    def _horizon(t, shape) -> np.ndarray:
        horizon = np.broadcast_to(np.asarray(t, dtype=float), shape)
        if (horizon < 0).any():
            raise ValueError(f"t must be non-negative; got {horizon[horizon < 0][0]!r}")
        return horizon


def params_from(value: dict[str, float], names: Sequence[str], model: str) -> dict[str, float]:
    """Check a parameter dict for ``model`` (all names present, positive)."""
    missing = [k for k in names if k not in value]
    if missing:
        raise ValueError(f"{model} parameters lack {missing!r}; got {sorted(value)!r}")
    out = {k: float(value[k]) for k in names}
    bad = [k for k, v in out.items() if not (np.isfinite(v) and v > 0)]
    if bad:
        raise ValueError(f"{model} parameter {bad[0]} must be positive; got {out[bad[0]]!r}")
    return out

