"""PLS path modelling (Wold's algorithm) for national-index style satisfaction models.

References
----------
Wold, H. (1982). Soft modeling: the basic design and some extensions.
Lohmöller, J.-B. (1989). Latent Variable Path Modeling with Partial Least Squares.
Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., Lauro, C. (2005). PLS path modeling.
    Computational Statistics & Data Analysis 48, 159-205.
Dijkstra, T. K., Henseler, J. (2015). Consistent partial least squares path modeling.
    MIS Quarterly 39(2), 297-316 (rho_A).
Henseler, J., Ringle, C. M., Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based SEM. JAMS 43, 115-135 (HTMT).
Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., Bryant, B. E. (1996). The American
    Customer Satisfaction Index. Journal of Marketing 60(4), 7-18 (the 0-100 index).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from cxm.analytics.exceptions import ConvergenceWarning, NotFittedError
from cxm.analytics.pls import _core
from cxm.analytics.pls.model import ModelSpec

__all__ = ["PLSPathModel", "PLSResult", "data_matrix"]

# fitted attributes computed on first access (see PLSPathModel.__getattr__)
_DIAGNOSTICS = ("alpha_", "rho_c_", "rho_a_", "ave_", "fornell_larcker_", "htmt_", "gof_")


def data_matrix(data: Any, model: ModelSpec) -> np.ndarray:
    """The (n, p) float matrix of the model's indicators, validated.

    ``data`` is anything indexable by column name (polars or pandas DataFrame, a dict
    of arrays). Raises ValueError for a missing column, a non-numeric column, a missing
    value or a constant column.
    """
    return _check_matrix(_indicator_matrix(data, model), model)


def _indicator_matrix(data: Any, model: ModelSpec) -> np.ndarray:
    """The indicator columns as floats; columns and types checked, values not."""
    names = model.indicators
    if isinstance(data, pl.DataFrame):
        columns = data.columns
        if data.width <= 4 * len(names):
            # one conversion of the whole (not much wider) frame, then a column pick:
            # far cheaper than a polars select, which spins up its thread pool; a frame
            # with a non-numeric column comes out as objects and takes the checked path
            pos = {c: j for j, c in enumerate(columns)}
            pick = [pos.get(c, -1) for c in names]
            if -1 not in pick:
                # C order: the default (Fortran) conversion goes through polars' thread
                # pool, whose wake-up costs more than the copy on a frame this size
                whole = data.to_numpy(order="c")
                if whole.dtype.kind in "fiub":
                    return whole.astype(float, copy=False)[:, pick]
        model.check_columns(columns)
        cols = []
        for name in names:
            series = data.get_column(name)
            if not series.dtype.is_numeric():
                raise ValueError(f"indicator column {name!r} is not numeric ({series.dtype})")
            cols.append(series.to_numpy().astype(float, copy=False))  # nulls become NaN
        return np.column_stack(cols)
    model.check_columns(list(data.columns) if hasattr(data, "columns") else list(data.keys()))
    cols = []
    for name in names:
        try:
            col = np.asarray(data[name], dtype=float).ravel()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"indicator column {name!r} is not numeric: {exc}") from exc
        cols.append(col)
    return np.column_stack(cols)


def _check_matrix(x: np.ndarray, model: ModelSpec) -> np.ndarray:
    if x.shape[0] < 3:
        raise ValueError(f"need at least 3 rows of data, got {x.shape[0]}")
    bad = ~np.isfinite(x)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"indicator column {model.indicators[j]!r} has {int(bad[:, j].sum())} missing or "
            f"non-finite value(s) (first at row {i + 1}); drop or impute them first"
        )
    const = (x == x[0]).all(axis=0)
    if const.any():
        j = int(np.flatnonzero(const)[0])
        raise ValueError(f"indicator column {model.indicators[j]!r} is constant ({x[0, j]:g})")
    return x


@dataclass(frozen=True)
class PLSResult:
    """The fitted numbers keyed by name (what leaves :mod:`cxm.analytics`).

    ``paths`` is keyed ``"Source->Target"``; ``weights``/``loadings`` are
    ``{construct: {indicator: value}}``; ``reliability`` is ``{construct: {alpha,
    rho_c, rho_a, ave}}``; ``index`` is the 0-100 score per construct.
    """

    method: str
    scheme: str
    n: int
    iterations: int
    converged: bool
    paths: dict[str, float]
    r2: dict[str, float]
    r2_adj: dict[str, float]
    weights: dict[str, dict[str, float]]
    loadings: dict[str, dict[str, float]]
    reliability: dict[str, dict[str, float]]
    index: dict[str, float]
    total_effects: dict[str, float]
    indirect_effects: dict[str, float]
    htmt: dict[str, float]
    fornell_larcker: dict[str, dict[str, float]]
    gof: float


class PLSPathModel:
    """PLS path model estimated with Wold's iterative algorithm.

    Parameters
    ----------
    model : ModelSpec
        Constructs, indicators (mode A or B) and paths (see :mod:`.model`).
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme.
    tol : float
        Convergence criterion: the sum of absolute changes of the outer weights
        between two iterations (1e-7, as seminr and plspm).
    max_iter : int
        Iteration cap; reaching it without convergence raises a ConvergenceWarning
        (or a ValueError when ``on_nonconvergence="raise"``).
    on_nonconvergence : {"warn", "raise"}
    scale : (min, max), {indicator: (min, max)} or None
        Item scale bounds for the 0-100 index, overriding the model's (all indicators,
        or the ones listed); None keeps the model file's bounds (default 1..10).

    Attributes
    ----------
    constructs_, indicators_ : list of str
    outer_weights_ : ndarray (p,)
        Weight of each indicator on its construct (standardised data, unit-variance scores).
    loadings_ : ndarray (p,)
    cross_loadings_ : ndarray (p, k)
    path_coefficients_, total_effects_, indirect_effects_ : ndarray (k, k), ``[source, target]``
    r2_, r2_adj_ : ndarray (k,), NaN for exogenous constructs
    scores_ : ndarray (n, k), standardised construct scores
    construct_correlations_ : ndarray (k, k)
    alpha_, rho_c_, rho_a_, ave_ : ndarray (k,)
    fornell_larcker_ : ndarray (k, k), sqrt(AVE) on the diagonal, correlations elsewhere
    htmt_ : ndarray (k, k), symmetric, NaN on the diagonal
    gof_ : float
        The reliability and validity attributes (``alpha_`` to ``gof_``) are computed
        from the fitted numbers on first access.
    index_ : ndarray (k,), 0-100
    n_iter_ : int
    n_ : int

    Notes
    -----
    Indicators are standardised per indicator with the sample standard deviation
    (n-1 denominator), and construct scores are scaled to unit variance with the same
    denominator; this is seminr's (and R's ``scale()``) choice. Weights, loadings and
    paths are invariant to that choice; only the scores' scale depends on it.

    The algorithm runs on the indicator correlation matrix (every step is linear in
    the data); starting weights are 1 for every indicator. Inner weights follow
    Lohmöller (1989): centroid = sign of the construct correlation, factorial = the
    correlation, path = regression coefficients on predecessors and correlations
    with successors.

    Sign orientation (deterministic): after convergence each construct's weights are
    flipped if the sum of its loadings on its own indicators is negative, so a
    construct always points in the direction of most of its indicators.

    Reliability: Cronbach's alpha on the standardised items (the items' correlation
    matrix); rho_c = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)); AVE = mean l^2;
    rho_A = (w'w)^2 w'(S - diag S)w / w'(ww' - diag ww')w (Dijkstra & Henseler 2015)
    with S the items' correlation matrix. Single-indicator constructs get 1 for alpha,
    rho_c, rho_A and AVE. HTMT uses absolute item correlations (Henseler et al. 2015).
    GoF = sqrt(mean communality x mean R²), the communality averaged over all
    indicators of multi-indicator blocks (Tenenhaus et al. 2005).
    """

    def __init__(
        self,
        model: ModelSpec,
        scheme: str = "path",
        tol: float = 1e-7,
        max_iter: int = 300,
        on_nonconvergence: str = "warn",
        scale: tuple[float, float] | Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        self.model = model
        self.scheme = scheme
        self.tol = tol
        self.max_iter = max_iter
        self.on_nonconvergence = on_nonconvergence
        self.scale = scale

    # -- fitting ---------------------------------------------------------------
    def _check_params(self) -> ModelSpec:
        if not isinstance(self.model, ModelSpec):
            raise ValueError(f"model must be a ModelSpec, got {type(self.model).__name__}")
        if self.scheme not in _core.SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(_core.SCHEMES)}, got {self.scheme!r}")
        if not self.tol > 0:
            raise ValueError(f"tol must be positive, got {self.tol!r}")
        if int(self.max_iter) < 1:
            raise ValueError(f"max_iter must be at least 1, got {self.max_iter!r}")
        if self.on_nonconvergence not in ("warn", "raise"):
            raise ValueError(f"on_nonconvergence must be 'warn' or 'raise', got {self.on_nonconvergence!r}")
        return self.model if self.scale is None else self.model.with_scale(self.scale)

    def structure(self) -> _core.Structure:
        return self.model.structure

    def fit(self, data: Any) -> PLSPathModel:
        """Estimate the model on ``data`` (a DataFrame or mapping with the indicator columns)."""
        model = self._check_params()
        x = _indicator_matrix(data, model)
        n, p = x.shape
        if n < 3:
            _check_matrix(x, model)
        s = self.structure()
        mean = x.sum(axis=0) / n
        xc = x - mean
        cov = xc.T @ xc / (n - 1)
        sd = np.sqrt(cov.diagonal())
        # a missing value makes its column's mean non-finite, a constant column its sd
        # (near) zero; only then are the values checked one by one (for the message)
        if not (np.isfinite(mean).all() and (sd > 1e-12 * np.abs(mean)).all()):
            _check_matrix(x, model)
        r = cov / np.outer(sd, sd)
        est = _core.estimate_one(mean, sd, r, s, model.bounds(), self.scheme, self.tol, int(self.max_iter))
        self.n_iter_ = int(est.n_iter)
        self.converged_ = bool(est.converged)
        if not self.converged_:
            msg = (
                f"PLS did not converge in {self.max_iter} iterations (tol={self.tol:g}); "
                "raise max_iter or check the model"
            )
            if self.on_nonconvergence == "raise":
                raise ValueError(msg)
            warnings.warn(msg, ConvergenceWarning, stacklevel=2)
        self.constructs_ = list(model.names)
        self.indicators_ = list(model.indicators)
        self.n_ = n
        self.mean_, self.sd_ = mean, sd
        self.indicator_correlations_ = r
        self.outer_weights_ = est.weights
        self.weights_matrix_ = est.weights_full
        self.loadings_ = est.loadings
        self.cross_loadings_ = est.cross_loadings
        self.construct_correlations_ = est.construct_corr
        self.path_coefficients_ = b = est.paths
        self.r2_ = est.r2
        npred = s.npred
        with np.errstate(invalid="ignore", divide="ignore"):
            self.r2_adj_ = np.where(npred > 0, 1 - (1 - est.r2) * (n - 1) / (n - npred - 1), np.nan)
        # total effects: B + B^2 + ... (= (I - B)^-1 - I); B is nilpotent for a DAG, so
        # the series ends after the longest path's length of products
        total, term = b.copy(), b
        for _ in range(s.depth - 1):
            term = term @ b
            total += term
        self.total_effects_ = total
        self.indirect_effects_ = total - b
        # scores Z W with Z = (X - mean) / sd, without forming Z
        self.scores_ = xc @ (self.weights_matrix_ / sd[:, None])
        self.index_ = est.index
        for name in _DIAGNOSTICS:  # a refit drops the previous fit's diagnostics
            self.__dict__.pop(name, None)
        return self

    def __getattr__(self, name: str) -> Any:
        # Reliability and validity are derived from the fitted numbers on first access
        # (then kept): a bootstrap or a model search that never looks at them does not
        # pay for them. Only reached when normal attribute lookup fails.
        if name in _DIAGNOSTICS and "loadings_" in self.__dict__:
            s = self.model.structure
            self._reliability(s)
            self._validity(s)
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _reliability(self, s: _core.Structure) -> None:
        # per-block sums through the p x k membership matrix: no loop over constructs
        mask, r, lam, w = s.mask, self.indicator_correlations_, self.loadings_, self.outer_weights_
        m = mask.sum(axis=0)
        multi = m > 1
        one = np.ones_like(m)
        with np.errstate(invalid="ignore", divide="ignore"):
            block_r = np.diag(mask.T @ r @ mask)  # sum of the block's correlation matrix
            alpha = np.where(multi, m / (m - 1) * (1 - m / block_r), one)
            sum_l = lam @ mask
            num = sum_l**2
            rho_c = np.where(multi, num / (num + (1 - lam**2) @ mask), one)
            ave = np.where(multi, (lam**2) @ mask / m, one)
            # rho_A with w'Sw = 1 (unit-variance scores): w'(S - diag S)w = 1 - sum w²
            w2 = (w**2) @ mask
            w4 = (w**4) @ mask
            rho_a = np.where(multi, w2**2 * (1 - w2) / (w2**2 - w4), one)
        self.alpha_, self.rho_c_, self.rho_a_, self.ave_ = alpha, rho_c, rho_a, ave

    def _validity(self, s: _core.Structure) -> None:
        mask = s.mask
        m = mask.sum(axis=0)
        c = self.construct_correlations_
        self.fornell_larcker_ = c.copy()
        np.fill_diagonal(self.fornell_larcker_, np.sqrt(self.ave_))
        absr = np.abs(self.indicator_correlations_)
        sums = mask.T @ absr @ mask  # block-pair sums of |r|
        with np.errstate(invalid="ignore", divide="ignore"):
            mono = np.where(m > 1, (np.diag(sums) - m) / (m * (m - 1)), 1.0)
            hetero = sums / np.outer(m, m)
            self.htmt_ = hetero / np.sqrt(np.outer(mono, mono))
        np.fill_diagonal(self.htmt_, np.nan)
        multi = m > 1
        communality = (self.loadings_**2)[multi[s.block]].mean() if multi.any() else np.nan
        self.gof_ = float(np.sqrt(communality * np.nanmean(self.r2_)))

    # -- reporting ---------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "outer_weights_"):
            raise NotFittedError("this PLSPathModel is not fitted yet; call fit(data) first")

    def path_names(self) -> list[str]:
        """``"Source->Target"`` for every path, in model order."""
        return [f"{a}->{b}" for a, b in self.model.paths]

    def _pairs(self, mat: np.ndarray) -> dict[str, float]:
        pos = {n: j for j, n in enumerate(self.model.names)}
        return {f"{a}->{b}": float(mat[pos[a], pos[b]]) for a, b in self.model.paths}

    def result(self) -> PLSResult:
        """The fitted numbers as a frozen, name-keyed :class:`PLSResult`."""
        self._check_fitted()
        names, block = self.constructs_, self.model.block_index()

        def per_block(values: np.ndarray) -> dict[str, dict[str, float]]:
            out: dict[str, dict[str, float]] = {n: {} for n in names}
            for i, ind in enumerate(self.indicators_):
                out[names[block[i]]][ind] = float(values[i])
            return out

        endo = [j for j in range(len(names)) if np.isfinite(self.r2_[j])]
        pos = {n: j for j, n in enumerate(names)}
        effects = {
            f"{a}->{b}": float(self.total_effects_[pos[a], pos[b]])
            for a in names for b in names if abs(self.total_effects_[pos[a], pos[b]]) > 0
        }
        indirect = {
            f"{a}->{b}": float(self.indirect_effects_[pos[a], pos[b]])
            for a in names for b in names if abs(self.indirect_effects_[pos[a], pos[b]]) > 0
        }
        htmt = {
            f"{names[a]}<->{names[b]}": float(self.htmt_[a, b])
            for a in range(len(names)) for b in range(a + 1, len(names))
        }
        return PLSResult(
            method="PLS path modelling (Wold), mode A/B outer estimation",
            scheme=self.scheme,
            n=self.n_,
            iterations=self.n_iter_,
            converged=self.converged_,
            paths=self._pairs(self.path_coefficients_),
            r2={names[j]: float(self.r2_[j]) for j in endo},
            r2_adj={names[j]: float(self.r2_adj_[j]) for j in endo},
            weights=per_block(self.outer_weights_),
            loadings=per_block(self.loadings_),
            reliability={
                n: {
                    "alpha": float(self.alpha_[j]),
                    "rho_c": float(self.rho_c_[j]),
                    "rho_a": float(self.rho_a_[j]),
                    "ave": float(self.ave_[j]),
                }
                for j, n in enumerate(names)
            },
            index={n: float(self.index_[j]) for j, n in enumerate(names)},
            total_effects=effects,
            indirect_effects=indirect,
            htmt=htmt,
            fornell_larcker={
                names[a]: {names[b]: float(self.fornell_larcker_[a, b]) for b in range(a + 1)}
                for a in range(len(names))
            },
            gof=self.gof_,
        )

    def summary(self) -> pl.DataFrame:
        """One row per path: source, target, coefficient, and the target's R²."""
        self._check_fitted()
        pos = {n: j for j, n in enumerate(self.constructs_)}
        src = [a for a, _ in self.model.paths]
        tgt = [b for _, b in self.model.paths]
        return pl.DataFrame(
            {
                "source": src,
                "target": tgt,
                "coefficient": [float(self.path_coefficients_[pos[a], pos[b]]) for a, b in self.model.paths],
                "r2_target": [float(self.r2_[pos[b]]) for b in tgt],
            }
        )


