"""Importance of elements for overall satisfaction, and AHP weights (domain.md 2.2 and 7).

Methods (``method`` parameter, reported with the result):

``correlation``
    Pearson correlation of each element score with the overall score (the deck's method).
    Raw correlations are kept for display; weights clip negatives to 0 and normalise to 1
    (all <= 0: equal weights and a warning). Pairwise complete cases per element.
``regression``
    Standardised OLS coefficients (beta weights) of overall on all element scores;
    weights clip negatives and normalise. Complete cases.
``relative``
    Johnson's (2000) relative weights: they sum to R^2; weights = eps / R^2. Complete cases.
``shapley``
    Shapley value decomposition of R^2 (exact, over all 2^m subsets; also called
    dominance / LMG); sums to R^2; weights = phi / R^2. Complete cases.

Every estimator works from correlation matrices with any leading batch shape, so the
bootstrap (:mod:`cxm.analytics.csi`) re-estimates importance in every resample at once.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. Multivariate Behavioral Research 35(1), 1-19.
Grömping, U. (2007). Estimators of relative importance in linear regression based on
variance decomposition. The American Statistician 61(2), 139-147.
Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["METHODS", "Importance", "AHPResult", "correlation_importance", "regression_weights",
           "relative_weights", "shapley_values", "weights_from_raw", "estimate_importance",
           "importance_from_correlations", "ahp_weights", "RANDOM_INDEX"]

METHODS = ("correlation", "regression", "relative", "shapley")


class ImportanceWarning(UserWarning):
    """Importance could not be turned into data-driven weights (e.g. all correlations <= 0)."""


@dataclass(frozen=True)
class Importance:
    """Importance of m elements.

    ``raw``: the method's statistic (correlation, beta, relative weight, Shapley value);
    ``weights``: non-negative, sum 1; ``r2``: model R^2 (NaN for correlation);
    ``n``: respondents used; ``warnings``: messages about fall-backs.
    """

    method: str
    raw: np.ndarray
    weights: np.ndarray
    r2: float
    n: int
    warnings: tuple[str, ...] = ()


def _split(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predictor block and predictor-criterion vector of an (m+1, m+1) correlation matrix (criterion last)."""
    return R[..., :-1, :-1], R[..., :-1, -1]


def correlation_importance(R: np.ndarray) -> np.ndarray:
    """Correlations of each predictor with the criterion (last row/column of ``R``)."""
    return _split(np.asarray(R, dtype=np.float64))[1]


def regression_weights(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardised regression coefficients beta = Rxx^-1 rxy and R^2 = rxy' beta."""
    Rxx, rxy = _split(np.asarray(R, dtype=np.float64))
    beta = np.linalg.solve(Rxx, rxy[..., None])[..., 0]
    return beta, np.einsum("...i,...i->...", beta, rxy)


def relative_weights(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's (2000) relative weights eps (sum = R^2) from a correlation matrix.

    Rxx = V diag(l) V'; Lambda = V diag(sqrt l) V' (the correlations of the predictors with
    their best-fitting orthogonal counterparts); beta* = Lambda^-1 rxy; eps_j = sum_k
    Lambda_jk^2 beta*_k^2.
    """
    Rxx, rxy = _split(np.asarray(R, dtype=np.float64))
    evals, evecs = np.linalg.eigh(Rxx)
    evals = np.clip(evals, 1e-12, None)
    lam = (evecs * np.sqrt(evals)[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    lam_inv = (evecs / np.sqrt(evals)[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    beta_star = (lam_inv @ rxy[..., None])[..., 0]
    eps = (lam ** 2) @ (beta_star ** 2)[..., None]
    eps = eps[..., 0]
    return eps, eps.sum(axis=-1)


def _subset_r2(R: np.ndarray) -> np.ndarray:
    """R^2 of every predictor subset, indexed by bit mask (bit j = predictor j): shape (..., 2^m)."""
    Rxx, rxy = _split(np.asarray(R, dtype=np.float64))
    m = Rxx.shape[-1]
    out = np.zeros(R.shape[:-2] + (1 << m,))
    for k in range(1, m + 1):  # loop over subset sizes only; all subsets of a size in one batched solve
        subsets = np.array(list(itertools.combinations(range(m), k)))
        A = Rxx[..., subsets[:, :, None], subsets[:, None, :]]
        b = rxy[..., subsets]
        sol = np.linalg.solve(A, b[..., None])[..., 0]
        masks = (1 << subsets).sum(axis=1)
        out[..., masks] = np.einsum("...ck,...ck->...c", sol, b)
    return out


def shapley_values(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley decomposition of R^2 over all subsets; returns (phi, R^2 of the full model)."""
    R = np.asarray(R, dtype=np.float64)
    m = R.shape[-1] - 1
    if m > 16:
        raise ValueError(f"shapley: {m} predictors need 2^{m} regressions; use 'relative' (m <= 16)")
    r2 = _subset_r2(R)
    masks = np.arange(1 << m)
    size = np.array([bin(s).count("1") for s in masks])
    weight = np.array([math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) if s < m else 0.0
                       for s in size])
    phi = np.empty(R.shape[:-2] + (m,))
    for j in range(m):
        without = masks[(masks >> j) & 1 == 0]
        phi[..., j] = ((r2[..., without | (1 << j)] - r2[..., without]) * weight[without]).sum(axis=-1)
    return phi, r2[..., -1]


def weights_from_raw(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip negatives to 0 and normalise to sum 1; rows with nothing positive get equal weights.

    Returns (weights, fell_back) where ``fell_back`` marks rows that got equal weights.
    """
    raw = np.asarray(raw, dtype=np.float64)
    clipped = np.clip(np.nan_to_num(raw, nan=0.0), 0.0, None)
    total = clipped.sum(axis=-1, keepdims=True)
    fell_back = total[..., 0] <= 0
    m = raw.shape[-1]
    w = np.where(total > 0, clipped / np.where(total > 0, total, 1.0), 1.0 / m)
    return w, fell_back


def importance_from_correlations(R: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(raw, weights, r2) from correlation matrices (criterion last), batched over leading axes."""
    if method == "correlation":
        raw = correlation_importance(R)
        r2 = np.full(raw.shape[:-1], np.nan)
    elif method == "regression":
        raw, r2 = regression_weights(R)
    elif method == "relative":
        raw, r2 = relative_weights(R)
    elif method == "shapley":
        raw, r2 = shapley_values(R)
    else:
        raise ValueError(f"importance method must be one of {METHODS}, got {method!r}")
    weights, _ = weights_from_raw(raw)
    return raw, weights, r2


def _pairwise_correlations(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(X) & np.isfinite(y)[:, None]
    n = ok.sum(axis=0)
    xs = np.where(ok, X, 0.0)
    ys = np.where(ok, y[:, None], 0.0)
    mx, my = xs.sum(0) / np.maximum(n, 1), ys.sum(0) / np.maximum(n, 1)
    dx, dy = np.where(ok, X - mx, 0.0), np.where(ok, y[:, None] - my, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (dx * dy).sum(0) / np.sqrt((dx ** 2).sum(0) * (dy ** 2).sum(0))
    return r, n


def estimate_importance(elements: np.ndarray, overall: np.ndarray, method: str = "correlation") -> Importance:
    """Importance of each element score (columns of ``elements``) for ``overall``.

    Respondents without an overall score never enter. ``correlation`` uses pairwise
    complete cases (element and overall answered; ``n`` is the smallest of them); the
    model-based methods use complete cases (overall and every element answered).
    """
    X = np.asarray(elements, dtype=np.float64)
    y = np.asarray(overall, dtype=np.float64)
    if method not in METHODS:
        raise ValueError(f"importance method must be one of {METHODS}, got {method!r}")
    notes: list[str] = []
    if method == "correlation":
        raw, n_each = _pairwise_correlations(X, y)
        n = int(n_each.min()) if n_each.size else 0
        r2 = float("nan")
    else:
        ok = np.isfinite(X).all(axis=1) & np.isfinite(y)
        n = int(ok.sum())
        if n <= X.shape[1] + 1:
            raise ValueError(f"importance ({method}): {n} complete respondents for {X.shape[1]} elements")
        R = np.corrcoef(np.column_stack([X[ok], y[ok]]), rowvar=False)
        if not np.isfinite(R).all():
            raise ValueError(f"importance ({method}): an element or overall score does not vary")
        raw, _, r2a = importance_from_correlations(R, method)
        r2 = float(r2a)
    weights, fell_back = weights_from_raw(raw)
    if bool(fell_back):
        msg = f"importance ({method}): no element has a positive value; equal weights used"
        warnings.warn(msg, ImportanceWarning, stacklevel=2)
        notes.append(msg)
    return Importance(method, np.asarray(raw), weights, r2, n, tuple(notes))


# Saaty's random consistency index for n = 1..15 (Saaty 1980, Table 1.7 extended).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)


@dataclass(frozen=True)
class AHPResult:
    """AHP weights (principal eigenvector, sum 1), lambda_max, CI = (lambda-n)/(n-1), CR = CI/RI."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    method: str = "ahp"


def ahp_weights(matrix: np.ndarray, *, max_cr: float = 0.1, strict: bool = True) -> AHPResult:
    """Weights from a reciprocal pairwise comparison matrix (Saaty 1-9 scale).

    Parameters
    ----------
    matrix : (n, n) positive, a_ji = 1 / a_ij, a_ii = 1.
    max_cr : consistency ratio above which the judgements are rejected (Saaty: 0.1).
    strict : raise ValueError when CR > max_cr; otherwise return ``consistent=False``.
    """
    A = np.asarray(matrix, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
        raise ValueError(f"AHP: a square matrix is required, got shape {A.shape}")
    if not (np.isfinite(A).all() and (A > 0).all()):
        raise ValueError("AHP: every comparison must be a positive number")
    if not np.allclose(A * A.T, 1.0, rtol=1e-3):
        i, j = np.argwhere(~np.isclose(A * A.T, 1.0, rtol=1e-3))[0]
        raise ValueError(f"AHP: matrix is not reciprocal at ({i}, {j}): {A[i, j]} vs {A[j, i]}")
    n = A.shape[0]
    evals, evecs = np.linalg.eig(A)
    k = int(np.argmax(evals.real))
    w = np.abs(evecs[:, k].real)
    w = w / w.sum()
    lam = float(evals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    if n > len(RANDOM_INDEX):
        raise ValueError(f"AHP: random index known for n <= {len(RANDOM_INDEX)}, got {n}")
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    consistent = cr <= max_cr
    if strict and not consistent:
        raise ValueError(f"AHP: consistency ratio {cr:.3f} exceeds {max_cr}; revise the pairwise judgements")
    return AHPResult(w, lam, float(ci), float(cr), bool(consistent))
