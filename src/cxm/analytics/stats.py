"""Small statistics shared by the analytics: Holm's adjustment and bootstrap intervals.

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 14 (BCa).
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["holm", "percentile_interval", "bca_interval", "bca_levels"]


def holm(p: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values.

    A NaN p-value (a test not made) stays NaN and is not counted in the family.
    """
    p = np.asarray(p, float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(np.isfinite(p))
    k = idx.size
    if k:
        order = idx[np.argsort(p[idx], kind="stable")]
        out[order] = np.minimum(np.maximum.accumulate((k - np.arange(k)) * p[order]), 1.0)
    return out


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The (1-level)/2 and (1+level)/2 quantiles of the bootstrap replicates."""
    r = np.asarray(replicates, float)
    r = r[np.isfinite(r)]
    lo, hi = np.quantile(r, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def bca_levels(replicates: np.ndarray, estimate: float | np.ndarray, jackknife: np.ndarray,
               level: float = 0.95) -> np.ndarray:
    """The quantile levels of the BCa interval's bounds (Efron & Tibshirani 1993, eq. 14.9-14.15).

    z0 = Phi^-1(share of replicates below the estimate, ties counted half);
    a = sum d^3 / (6 (sum d^2)^1.5), d = mean(jackknife) - jackknife_i (0 when undefined);
    the levels are Phi(z0 + (z0 + z) / (1 - a (z0 + z))) for z = Phi^-1((1 -+ level) / 2).

    Parameters
    ----------
    replicates : (B,) or (B, m) array
        Bootstrap replicates (finite), one column a parameter.
    estimate : float or (m,) array
        The estimate on the full data.
    jackknife : (n,) or (n, m) array
        Jackknife (leave-one-out or delete-a-group) estimates.
    level : float
        Confidence level.

    Returns
    -------
    (2,) or (2, m) array
        Levels of the lower and upper bound (of every column).
    """
    r = np.asarray(replicates, float)
    b = r.shape[0]
    below = (r < estimate).sum(axis=0) + 0.5 * (r == estimate).sum(axis=0)
    z0 = special.ndtri(np.clip(below / b, 1 / (2 * b), 1 - 1 / (2 * b)))
    jack = np.asarray(jackknife, float)
    d = jack.mean(axis=0) - jack
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.nan_to_num((d ** 3).sum(axis=0) / (6.0 * (d ** 2).sum(axis=0) ** 1.5))  # 0/0: no acceleration
    z = special.ndtri(np.array([(1 - level) / 2, (1 + level) / 2])).reshape((2,) + (1,) * (r.ndim - 1))
    return special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))


def bca_interval(replicates: np.ndarray, estimate: float, jackknife: np.ndarray,
                 level: float = 0.95) -> tuple[float, float]:
    """Bias-corrected and accelerated interval of one parameter (levels: :func:`bca_levels`);
    non-finite replicates are left out."""
    r = np.asarray(replicates, float)
    r = r[np.isfinite(r)]
    lo, hi = np.quantile(r, bca_levels(r, estimate, jackknife, level))
    return float(lo), float(hi)
