"""Bootstrap of a PLS path model, vectorised across resamples.

Each resample is represented by its case counts; the indicator means, standard
deviations and correlation matrices of all resamples come out of one batched matrix
product, and Wold's algorithm then runs on the whole stack at once (see ``_core``).
BCa intervals take their acceleration from the jackknife, run the same way (the n
leave-one-out samples are count vectors with a single zero).

References
----------
Efron, B., Tibshirani, R. J. (1993). An Introduction to the Bootstrap, ch. 13-14
(percentile and BCa intervals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cxm.analytics.pls import _core
from cxm.analytics.pls.estimator import PLSPathModel, data_matrix
from cxm.analytics.stats import bca_levels

__all__ = ["BootstrapResult", "ParameterStats", "bootstrap", "chunk_size_for"]


@dataclass(frozen=True)
class ParameterStats:
    """Bootstrap statistics of one family of parameters (names in ``names``).

    ``ci`` and ``ci_bca`` are (m, 2) arrays of lower and upper bounds; ``draws`` is
    (B_ok, m), the estimates of the resamples that converged.
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    t: np.ndarray
    ci: np.ndarray
    ci_bca: np.ndarray | None
    draws: np.ndarray

    def as_dict(self) -> dict[str, dict[str, Any]]:
        out = {}
        for i, name in enumerate(self.names):
            row: dict[str, Any] = {
                "estimate": float(self.estimate[i]),
                "mean": float(self.mean[i]),
                "se": float(self.se[i]),
                "t": float(self.t[i]),
                "ci": [float(self.ci[i, 0]), float(self.ci[i, 1])],
            }
            if self.ci_bca is not None:
                row["ci_bca"] = [float(self.ci_bca[i, 0]), float(self.ci_bca[i, 1])]
            out[name] = row
        return out


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap results for paths, weights, loadings and indices.

    ``n_boot`` resamples were drawn, ``n_ok`` of them converged and were used;
    ``level`` is the confidence level of the intervals.
    """

    method: str
    n: int
    n_boot: int
    n_ok: int
    seed: int | None
    level: float
    paths: ParameterStats
    weights: ParameterStats
    loadings: ParameterStats
    index: ParameterStats
    r2: ParameterStats


def chunk_size_for(n_boot: int) -> int:
    """Resamples per batch for ``n_boot`` resamples: about ten progress steps, 50 to 500 a batch."""
    return max(50, min(500, int(n_boot) // 10 or 1))


def _counts_from_indices(indices: np.ndarray, n: int) -> np.ndarray:
    b = indices.shape[0]
    flat = (indices + n * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(float)


def _families(est: _core.Estimates, fitted: PLSPathModel) -> dict[str, np.ndarray]:
    pos = {n: j for j, n in enumerate(fitted.constructs_)}
    src = np.array([pos[a] for a, _ in fitted.model.paths])
    tgt = np.array([pos[b] for _, b in fitted.model.paths])
    endo = np.flatnonzero(fitted.model.adjacency().sum(axis=0) > 0)
    return {
        "paths": est.paths[:, src, tgt],
        "weights": est.weights,
        "loadings": est.loadings,
        "index": est.index,
        "r2": est.r2[:, endo],
    }


def _stats(
    names: list[str],
    estimate: np.ndarray,
    draws: np.ndarray,
    jack: np.ndarray | None,
    level: float,
) -> ParameterStats:
    a = (1 - level) / 2
    se = draws.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = estimate / se
    ci = np.quantile(draws, [a, 1 - a], axis=0).T
    ci_bca = None
    if jack is not None:
        b = draws.shape[0]
        adj = bca_levels(draws, estimate, jack, level)  # (2, m) adjusted quantile levels
        ci_bca = np.empty_like(ci)
        srt = np.sort(draws, axis=0)
        for side in range(2):
            # the "linear" quantile of each column at its own level, vectorised
            h = (b - 1) * adj[side]
            lo = np.clip(np.floor(h).astype(int), 0, b - 1)
            hi = np.clip(lo + 1, 0, b - 1)
            cols = np.arange(srt.shape[1])
            ci_bca[:, side] = srt[lo, cols] + (h - lo) * (srt[hi, cols] - srt[lo, cols])
    return ParameterStats(
        names=tuple(names),
        estimate=estimate,
        mean=draws.mean(axis=0),
        se=se,
        t=t,
        ci=ci,
        ci_bca=ci_bca,
        draws=draws,
    )


def bootstrap(
    fitted: PLSPathModel,
    data: Any,
    n_boot: int = 1000,
    *,
    seed: int | None = None,
    level: float = 0.95,
    bca: bool = True,
    indices: np.ndarray | None = None,
    chunk_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> BootstrapResult:
    """Bootstrap a fitted :class:`PLSPathModel` on the data it was fitted on.

    Parameters
    ----------
    fitted : PLSPathModel, fitted.
    data : the same data passed to ``fit``.
    n_boot : number of resamples.
    seed : seed of numpy's default generator (PCG64); the resamples are
        ``rng.integers(0, n, size=(n_boot, n))``.
    level : confidence level of the intervals.
    bca : also compute BCa intervals (costs one jackknife: n more fits, batched).
    indices : optional (n_boot, n) 0-based row indices, overriding ``seed`` (to replay
        another tool's resamples).
    chunk_size : resamples estimated per batch (memory vs. progress granularity).
    progress : called with the number of resamples finished after every batch.

    Returns
    -------
    BootstrapResult

    Notes
    -----
    Resamples whose algorithm does not converge (or that have a constant indicator)
    are dropped, as seminr does; ``n_ok`` says how many were kept. The sign
    orientation rule of the estimator is applied in every resample, which keeps
    resamples from flipping a construct. t = estimate / bootstrap SE.
    """
    fitted._check_fitted()
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    model = fitted._check_params()
    x = data_matrix(data, model)
    n = x.shape[0]
    if n != fitted.n_:
        raise ValueError(f"data has {n} rows but the model was fitted on {fitted.n_}")
    if indices is None:
        if int(n_boot) < 2:
            raise ValueError(f"n_boot must be at least 2, got {n_boot!r}")
        rng = np.random.default_rng(seed)
        indices = rng.integers(0, n, size=(int(n_boot), n))
    indices = np.asarray(indices)
    if indices.ndim != 2 or indices.shape[1] != n:
        raise ValueError(f"indices must have shape (n_boot, {n}), got {indices.shape}")
    n_boot = indices.shape[0]
    s = fitted.structure()
    bounds = model.bounds()
    args = (s, bounds, fitted.scheme, fitted.tol, int(fitted.max_iter))

    parts: list[dict[str, np.ndarray]] = []
    ok_parts = []
    done = 0
    for start in range(0, n_boot, chunk_size):
        counts = _counts_from_indices(indices[start : start + chunk_size], n)
        est = _core.estimate(*_core.batched_moments(x, counts), *args)
        parts.append(_families(est, fitted))
        ok_parts.append(est.converged)
        done += counts.shape[0]
        if progress is not None:
            progress(done)
    ok = np.concatenate(ok_parts)
    fams = {key: np.concatenate([p[key] for p in parts])[ok] for key in parts[0]}
    if ok.sum() < 2:
        raise ValueError(f"only {int(ok.sum())} of {n_boot} resamples converged")

    jack: dict[str, np.ndarray] | None = None
    if bca:
        jparts = []
        for start in range(0, n, chunk_size):
            counts = np.ones((min(chunk_size, n - start), n))
            counts[np.arange(counts.shape[0]), start + np.arange(counts.shape[0])] = 0.0
            jparts.append(_families(_core.estimate(*_core.batched_moments(x, counts), *args), fitted))
        jack = {key: np.concatenate([p[key] for p in jparts]) for key in jparts[0]}

    names = fitted.constructs_
    endo = np.flatnonzero(model.adjacency().sum(axis=0) > 0)
    pos = {c: j for j, c in enumerate(names)}
    src = np.array([pos[a] for a, _ in model.paths])
    tgt = np.array([pos[b] for _, b in model.paths])
    estimates = {
        "paths": fitted.path_coefficients_[src, tgt],
        "weights": fitted.outer_weights_,
        "loadings": fitted.loadings_,
        "index": fitted.index_,
        "r2": fitted.r2_[endo],
    }
    labels = {
        "paths": fitted.path_names(),
        "weights": list(fitted.indicators_),
        "loadings": list(fitted.indicators_),
        "index": list(names),
        "r2": [names[j] for j in endo],
    }
    stats = {
        key: _stats(labels[key], estimates[key], fams[key], None if jack is None else jack[key], level)
        for key in fams
    }
    return BootstrapResult(
        method="nonparametric case bootstrap" + (", percentile and BCa intervals" if bca else ", percentile intervals"),
        n=n,
        n_boot=n_boot,
        n_ok=int(ok.sum()),
        seed=seed,
        level=level,
        **stats,
    )
