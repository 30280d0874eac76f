"""CSI = sum_i w_i * element satisfaction_i with bootstrap intervals; loyalty; competitor; breakdowns.

Bootstrap (domain.md 2.2)
-------------------------
Resamples are multinomial count vectors: a (B, n) counts matrix times a (n, k) matrix of
per-respondent columns gives every resample's sums at once (chunked over B only). The
columns are what the statistic needs: element scores and their availability (for the
available-case satisfaction means) and the centred cross products that give the
correlations with overall. So in every resample the *whole* estimate is recomputed:
element satisfaction, the importance (correlation: pairwise complete cases; regression,
relative weights and Shapley: the complete-case correlation matrix) and hence the weights.
AHP or user-given weights are fixed (not data-driven) and are not resampled.

Intervals: percentile and BCa (Efron 1987). The BCa acceleration comes from the jackknife
computed from the same sums (leave-one-out when n <= 2000, else a delete-a-group
jackknife over 2000 contiguous groups, which is the usual approximation for large n).
The bootstrap products run in float32 on centred data (exact integer counts; the point
estimate is always float64).

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 14 (BCa).
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cxm.analytics.importance import (METHODS, Importance, estimate_importance, importance_from_correlations,
                                      weights_from_raw)
from cxm.analytics.stats import bca_interval, holm, percentile_interval

__all__ = ["BootstrapCI", "CSIResult", "csi", "bootstrap_counts",
           "Loyalty", "loyalty", "top2_rate", "GroupResult", "group_breakdown", "csi_point",
           "MeanSummary", "csi_summary", "element_summaries", "Change", "welch_change", "WaveChange",
           "wave_change"]


def csi_point(satisfaction: np.ndarray, weights: np.ndarray) -> float:
    """sum_i w_i * satisfaction_i."""
    return float(np.dot(np.asarray(weights, float), np.asarray(satisfaction, float)))


# ----------------------------------------------------------------------------- sufficient sums
class _Sums:
    """Per-respondent columns D (n, k) whose column sums determine the CSI estimate.

    ``stat(S)`` maps sums of shape (..., k) to (csi, weights, satisfaction) of shape (...),
    (..., m), (..., m); the same function serves the full sample, bootstrap resamples
    (counts @ D) and jackknife replicates (S - D_i).
    """

    def __init__(self, E: np.ndarray, y: np.ndarray, method: str, fixed_weights: np.ndarray | None):
        n, m = E.shape
        self.m, self.method, self.fixed = m, method, fixed_weights
        avail = np.isfinite(E)
        yok = np.isfinite(y)
        # centre on the available means: sums of squares in float32 stay accurate
        self.mu = np.array([E[avail[:, i], i].mean() if avail[:, i].any() else 0.0 for i in range(m)])
        self.my = float(y[yok].mean()) if yok.any() else 0.0
        X = np.where(avail, E - self.mu, 0.0)
        Y = np.where(yok, y - self.my, 0.0)
        cols: list[np.ndarray] = []
        names: dict[str, list[int]] = {}

        def add(key: str, block: np.ndarray) -> None:
            block = np.atleast_2d(block.T).T if block.ndim == 1 else block
            names[key] = list(range(len(cols), len(cols) + block.shape[1]))
            cols.extend(block.T)

        add("a", avail.astype(float))
        add("s", X)
        if fixed_weights is None:
            if method == "correlation":
                M = (avail & yok[:, None]).astype(float)
                add("M", M), add("Mx", M * X), add("My", M * Y[:, None]), add("Mxx", M * X * X)
                add("Myy", M * (Y * Y)[:, None]), add("Mxy", M * X * Y[:, None])
            else:
                K = (avail.all(axis=1) & yok).astype(float)
                Z = np.column_stack([X, Y]) * K[:, None]
                iu = np.triu_indices(m + 1)
                self.iu = iu
                add("K", K), add("Kz", Z), add("Kzz", Z[:, iu[0]] * Z[:, iu[1]])
        D = np.column_stack(cols)
        # identical columns (e.g. availability masks without missing answers) are summed once
        keys = [hash(c.tobytes()) for c in D.T]
        first: dict[int, int] = {}
        idx = [first.setdefault(h, j) for j, h in enumerate(keys)]
        keep = sorted(set(idx))
        pos = {j: p for p, j in enumerate(keep)}
        self.expand = np.array([pos[j] for j in idx])
        self.D = D[:, keep]
        self.names = names

    def _get(self, S: np.ndarray, key: str) -> np.ndarray:
        return S[..., self.expand[self.names[key]]]

    def stat(self, S: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        S = np.asarray(S, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = self._get(S, "a")
            sat = self.mu + self._get(S, "s") / a
            if self.fixed is not None:
                w = np.broadcast_to(self.fixed, sat.shape)
            elif self.method == "correlation":
                N = self._get(S, "M")
                mx, my = self._get(S, "Mx") / N, self._get(S, "My") / N
                cxy = self._get(S, "Mxy") / N - mx * my
                vx = self._get(S, "Mxx") / N - mx * mx
                vy = self._get(S, "Myy") / N - my * my
                r = cxy / np.sqrt(vx * vy)
                w, _ = weights_from_raw(r)
            else:
                N = self._get(S, "K")[..., 0:1]
                mz = self._get(S, "Kz") / N
                pz = self._get(S, "Kzz") / N
                q = self.m + 1
                cov = np.zeros(S.shape[:-1] + (q, q))
                cov[..., self.iu[0], self.iu[1]] = pz - mz[..., self.iu[0]] * mz[..., self.iu[1]]
                cov = cov + np.swapaxes(cov, -1, -2) - cov * np.eye(q)
                sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
                R = cov / (sd[..., :, None] * sd[..., None, :])
                bad = ~np.isfinite(R).all(axis=(-1, -2))
                R[bad] = np.eye(q)  # degenerate resample (a constant column): no information, equal weights
                _, w, _ = importance_from_correlations(R, self.method)
                w = np.where(bad[..., None], 1.0 / self.m, w)
            csi_value = (w * sat).sum(axis=-1)
        return csi_value, w, sat


# ----------------------------------------------------------------------------- resampling
def bootstrap_counts(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, n) matrix of multinomial(n, 1/n) counts: row b says how often each respondent is drawn."""
    idx = rng.integers(0, n, size=(size, n))
    idx += (np.arange(size) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n)


def _bootstrap_sums(D: np.ndarray, B: int, rng: np.random.Generator, chunk: int | None = None) -> np.ndarray:
    n, k = D.shape
    chunk = chunk or max(1, min(B, 5_000_000 // max(n, 1)))
    D32 = D.astype(np.float32)
    out = np.empty((B, k))
    for start in range(0, B, chunk):  # chunks bound memory; each chunk is one matmul
        size = min(chunk, B - start)
        out[start:start + size] = bootstrap_counts(n, size, rng).astype(np.float32) @ D32
    return out


@dataclass(frozen=True)
class BootstrapCI:
    """Bootstrap intervals for the CSI: ``percentile`` and ``bca`` (low, high), B resamples, level."""

    percentile: tuple[float, float]
    bca: tuple[float, float]
    resamples: int
    level: float
    jackknife_groups: int


@dataclass(frozen=True)
class CSIResult:
    """The CSI, its pieces and its interval.

    ``satisfaction``/``n_by_element`` per element; ``importance`` (method, raw, weights);
    ``overall``: mean overall satisfaction; ``ci``: None when ``bootstrap=0``.
    """

    csi: float
    n: int
    method: str
    codes: tuple[str, ...]
    satisfaction: np.ndarray
    n_by_element: np.ndarray
    importance: Importance
    overall: float
    ci: BootstrapCI | None
    reestimated: str


def csi(elements: np.ndarray, overall: np.ndarray, *, codes: tuple[str, ...] | None = None,
        method: str = "correlation", weights: np.ndarray | None = None, bootstrap: int = 1000,
        level: float = 0.95, seed: int | None = None, chunk: int | None = None) -> CSIResult:
    """CSI with importance by ``method`` (or fixed ``weights``, e.g. AHP) and bootstrap intervals.

    Parameters
    ----------
    elements : (n, m) respondent element scores on 0-100, NaN = missing.
    overall : (n,) overall scores on 0-100, NaN = missing.
    method : one of ``correlation``, ``regression``, ``relative``, ``shapley`` (ignored when
        ``weights`` is given; the result's method is then ``fixed``).
    bootstrap : number of resamples B (0: no interval).

    Notes
    -----
    Available-case rule: element satisfaction uses every respondent who answered the
    element; importance uses respondents with an overall score (see
    :func:`cxm.analytics.importance.estimate_importance`). In each resample, satisfaction,
    importance and weights are all re-estimated.
    """
    E = np.asarray(elements, dtype=np.float64)
    y = np.asarray(overall, dtype=np.float64)
    n, m = E.shape
    if n == 0:
        raise ValueError("csi: no respondents")
    codes = codes or tuple(f"E{i + 1}" for i in range(m))
    if weights is not None:
        w = np.asarray(weights, float)
        if w.shape != (m,) or (w < 0).any() or not np.isclose(w.sum(), 1.0):
            raise ValueError(f"csi: weights must be {m} non-negative numbers summing to 1, got {w}")
        imp = Importance("fixed", w, w, float("nan"), n)
        label = "fixed"
    else:
        if method not in METHODS:
            raise ValueError(f"importance method must be one of {METHODS}, got {method!r}")
        imp = estimate_importance(E, y, method)
        label = method
    ok = np.isfinite(E)
    sat = np.where(ok.any(0), np.where(ok, E, 0).sum(0) / np.maximum(ok.sum(0), 1), np.nan)
    yok = np.isfinite(y)
    ovr = float(y[yok].mean()) if yok.any() else float("nan")
    point = csi_point(sat, imp.weights)
    ci = None
    if bootstrap:
        sums = _Sums(E, y, method, None if weights is None else imp.weights)
        rng = np.random.default_rng(seed)
        reps, _, _ = sums.stat(_bootstrap_sums(sums.D, bootstrap, rng, chunk))
        S = sums.D.sum(axis=0)
        groups = min(n, 2000)
        starts = np.linspace(0, n, groups + 1).astype(int)[:-1]
        jack, _, _ = sums.stat(S - np.add.reduceat(sums.D, starts, axis=0))
        ci = BootstrapCI(percentile_interval(reps, level), bca_interval(reps, point, jack, level),
                         bootstrap, level, groups)
    re = ("weights fixed; satisfaction re-estimated" if weights is not None
          else "satisfaction, importance and weights re-estimated in every resample")
    return CSIResult(point, n, label, tuple(codes), sat, ok.sum(0), imp, ovr, ci, re)


# ----------------------------------------------------------------------------- loyalty
def top2_rate(x: np.ndarray, scale: tuple[float, float]) -> float:
    """Percent of answered respondents in the top two boxes of the item's own scale (>= max - 1)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.mean(x >= scale[1] - 1) * 100) if x.size else float("nan")


@dataclass(frozen=True)
class Loyalty:
    """Loyalty figures; rates and NPS in percent, means on 0-100; None when the item is absent.

    ``cli`` = mean of the two 0-100 means (the one available when only one item is).
    ``nps`` = % 9-10 minus % 0-6 of answered recommend items; only for a 0-10 recommend item.
    """

    retention_rate: float | None
    recommend_rate: float | None
    retention_mean: float | None
    recommend_mean: float | None
    cli: float | None
    nps: float | None
    n_retention: int
    n_recommend: int


def loyalty(retention: np.ndarray | None, retention_scale: tuple[float, float] | None,
            recommend: np.ndarray | None, recommend_scale: tuple[float, float] | None) -> Loyalty:
    """Top-2-box rates, 0-100 means, CLI and NPS from raw loyalty answers (NaN = missing)."""
    def part(x, scale):
        if x is None or scale is None:
            return None, None, 0
        x = np.asarray(x, float)
        ok = np.isfinite(x)
        if not ok.any():
            return None, None, 0
        mean = float(((x[ok] - scale[0]) / (scale[1] - scale[0]) * 100).mean())
        return top2_rate(x, scale), mean, int(ok.sum())

    rr, rm, rn = part(retention, retention_scale)
    pr, pm, pn = part(recommend, recommend_scale)
    means = [v for v in (rm, pm) if v is not None]
    cli = float(np.mean(means)) if means else None
    nps = None
    if recommend is not None and recommend_scale == (0.0, 10.0) and pn:
        x = np.asarray(recommend, float)
        x = x[np.isfinite(x)]
        nps = float((np.mean(x >= 9) - np.mean(x <= 6)) * 100)
    return Loyalty(rr, pr, rm, pm, cli, nps, rn, pn)


# ----------------------------------------------------------------------------- breakdowns
@dataclass(frozen=True)
class GroupResult:
    """One group of a breakdown, compared with the rest of the respondents.

    ``diff`` = csi - csi of the rest; ``p_value`` of Welch's t-test on linearised
    respondent CSI contributions; ``p_holm`` Holm-adjusted across the groups.
    """

    group: str
    n: int
    csi: float
    se: float
    overall: float
    satisfaction: np.ndarray
    diff: float
    t: float
    df: float
    p_value: float
    p_holm: float


def _pseudo(E: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """CSI of a set and its respondents' linearised contributions z (mean(z) = CSI).

    z_r = CSI + sum_i w_i a_ri (E_ri - m_i) / p_i with p_i the share answering element i;
    without missing answers z_r is the respondent's own sum_i w_i E_ri.
    """
    ok = np.isfinite(E)
    p = ok.mean(axis=0)
    m = np.where(ok, E, 0).sum(0) / np.maximum(ok.sum(0), 1)
    value = float(np.dot(w, m))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = value + (np.where(ok, E - m, 0.0) * np.where(p > 0, w / np.where(p > 0, p, 1), 0.0)).sum(axis=1)
    return value, z, m


def group_breakdown(elements: np.ndarray, overall: np.ndarray, weights: np.ndarray,
                    labels: np.ndarray, min_n: int = 2) -> list[GroupResult]:
    """Per-group CSI (with the pooled weights, so groups are comparable) vs the rest.

    Each group is tested against all other respondents by Welch's t-test on linearised
    respondent contributions (see :func:`_pseudo`); the weights are held fixed. The
    p-values are Holm-corrected over the groups. Groups are sorted by label; missing
    labels form no group. A group with fewer than ``min_n`` respondents is not tested
    (``p_value`` NaN) and so stays out of the Holm family; its respondents still count
    in the "rest" of the other groups.
    """
    E = np.asarray(elements, float)
    y = np.asarray(overall, float)
    w = np.asarray(weights, float)
    labels = np.asarray(labels, dtype=object)
    present = np.array([v is not None and v == v for v in labels], dtype=bool)  # drops None and NaN
    names = sorted({str(v) for v in labels[present]})
    if not names:
        return []
    index = {g: k for k, g in enumerate(names)}
    # every group at once: per-group sums (bincount) give the group's linearised variance, and
    # total minus group gives the rest's, so the cost is one pass over the data, not one per group
    code = np.array([index[str(v)] if ok else len(names) for v, ok in zip(labels, present)], dtype=np.int64)
    G = len(names) + 1  # the last bin holds the unlabelled respondents (in neither a group nor a rest)
    a = np.isfinite(E)
    centre = np.where(a.any(0), np.where(a, E, 0).sum(0) / np.maximum(a.sum(0), 1), 0.0)
    X = np.where(a, E - centre, 0.0)  # centred: the sums of products below stay accurate
    A = a.astype(float)
    m = E.shape[1]

    def per_group(col: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=col, minlength=G)

    N = np.bincount(code, minlength=G).astype(float)
    cnt = np.column_stack([per_group(A[:, i]) for i in range(m)])  # (G, m)
    tot = np.column_stack([per_group(X[:, i]) for i in range(m)])
    P = np.stack([np.column_stack([per_group(X[:, i] * X[:, j]) for j in range(m)]) for i in range(m)], axis=1)
    T = np.stack([np.column_stack([per_group(X[:, i] * A[:, j]) for j in range(m)]) for i in range(m)], axis=1)
    C = np.stack([np.column_stack([per_group(A[:, i] * A[:, j]) for j in range(m)]) for i in range(m)], axis=1)
    ysum = per_group(np.where(np.isfinite(y), y, 0.0))
    ycnt = per_group(np.isfinite(y).astype(float))

    def linearised(n, cnt, tot, P, T, C):
        """CSI, variance (ddof=1) of the linearised contributions and element means of sets given their sums."""
        with np.errstate(invalid="ignore", divide="ignore"):
            mx = np.where(cnt > 0, tot / np.maximum(cnt, 1), 0.0)  # centred element means
            means = np.where(cnt > 0, mx + centre, 0.0)  # nobody answered: 0, as in _pseudo
            value = means @ w
            share = cnt / np.maximum(n, 1)[..., None]
            c = np.where(share > 0, w / np.where(share > 0, share, 1), 0.0)
            # sum_r a_i a_j (x_i - mx_i)(x_j - mx_j) from the sums of products
            Q = P - mx[..., None, :] * T - mx[..., :, None] * np.swapaxes(T, -1, -2) \
                + mx[..., :, None] * mx[..., None, :] * C
            var = np.einsum("...i,...ij,...j->...", c, Q, c) / (n - 1)
        return value, np.where(n > 1, var, np.nan), means

    groups = slice(0, len(names))
    value, var, means = linearised(N[groups], cnt[groups], tot[groups], P[groups], T[groups], C[groups])
    total = lambda v: v[groups].sum(axis=0)  # noqa: E731 - the labelled respondents only
    rest_n = total(N) - N[groups]
    rest_value, rest_var, _ = linearised(rest_n, total(cnt) - cnt[groups], total(tot) - tot[groups],
                                         total(P) - P[groups], total(T) - T[groups], total(C) - C[groups])
    n = N[groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = np.where(n > 1, var / n, np.nan)
        v2 = np.where(rest_n > 1, rest_var / rest_n, np.nan)  # no rest (a single group): no test
        se = np.sqrt(v1 + v2)
        ok = np.isfinite(se) & (se > 0)
        t = np.where(ok, (value - rest_value) / np.where(ok, se, 1), np.nan)
        df = np.where(ok, (v1 + v2) ** 2 / (v1 ** 2 / (n - 1) + v2 ** 2 / (rest_n - 1)), np.nan)
        p = np.where(ok & (n >= min_n), 2 * stats.t.sf(np.abs(t), df), np.nan)
        overall_mean = np.where(ycnt[groups] > 0, ysum[groups] / ycnt[groups], np.nan)
    adj = holm(p)  # the untested groups (NaN) stay out of the family
    return [GroupResult(g, int(n[k]), float(value[k]), float(np.sqrt(v1[k])), float(overall_mean[k]), means[k],
                        float(value[k] - rest_value[k]), float(t[k]), float(df[k]), float(p[k]), float(adj[k]))
            for k, g in enumerate(names)]


# ----------------------------------------------------------------------------- wave-over-wave change
@dataclass(frozen=True)
class MeanSummary:
    """A mean of respondent values with what a two-sample test needs: ``var`` (ddof=1) and ``n``.

    Kept per wave (small and JSON-friendly), so the change between two waves is tested
    without reading either wave's answers again.
    """

    value: float
    var: float
    n: int


def csi_summary(elements: np.ndarray, weights: np.ndarray) -> MeanSummary:
    """The CSI of one set of respondents with the variance of its linearised contributions.

    ``value`` is the CSI with the given (fixed) weights; ``var`` is the sample variance of
    the respondents' linearised CSI (:func:`_pseudo`; without missing answers simply each
    respondent's own ``sum_i w_i E_ri``), so ``var / n`` is the squared standard error of
    the CSI with the weights held fixed.
    """
    E = np.asarray(elements, float)
    value, z, _ = _pseudo(E, np.asarray(weights, float))
    var = float(z.var(ddof=1)) if z.size > 1 else float("nan")
    return MeanSummary(value, var, int(z.size))


def element_summaries(elements: np.ndarray) -> list[MeanSummary]:
    """Per element: the mean, the variance (ddof=1) and n of the available respondent scores."""
    E = np.asarray(elements, float)
    out = []
    for j in range(E.shape[1]):
        x = E[:, j][np.isfinite(E[:, j])]
        out.append(MeanSummary(float(x.mean()) if x.size else float("nan"),
                               float(x.var(ddof=1)) if x.size > 1 else float("nan"), int(x.size)))
    return out


@dataclass(frozen=True)
class Change:
    """``after - before`` with Welch's t-test: ``se``, ``t``, ``df``, two-sided ``p_value``.

    ``p_holm`` is the Holm-adjusted p-value within its family (equal to ``p_value`` for a
    single test).
    """

    diff: float
    se: float
    t: float
    df: float
    p_value: float
    p_holm: float


def welch_change(before: MeanSummary, after: MeanSummary) -> Change:
    """Welch's unequal-variance t-test of two independent means from their summaries.

    Welch (1947): t = (m2 - m1) / sqrt(v1/n1 + v2/n2), Welch-Satterthwaite df. NaN when a
    side has fewer than two respondents (no variance).
    """
    diff = after.value - before.value
    if before.n < 2 or after.n < 2 or not (np.isfinite(before.var) and np.isfinite(after.var)):
        nan = float("nan")
        return Change(float(diff), nan, nan, nan, nan, nan)
    a, b = before.var / before.n, after.var / after.n
    se = float(np.sqrt(a + b))
    if se == 0:
        nan = float("nan")
        return Change(float(diff), 0.0, nan, nan, nan, nan)
    t = diff / se
    df = (a + b) ** 2 / (a ** 2 / (before.n - 1) + b ** 2 / (after.n - 1))
    p = float(2 * stats.t.sf(abs(t), df))
    return Change(float(diff), se, float(t), float(df), p, p)


@dataclass(frozen=True)
class WaveChange:
    """The change of the CSI and of each element from one wave to the next.

    The CSI test is one test (each wave's CSI with its own weights held fixed, Welch on the
    linearised contributions); the element tests form one family, Holm-corrected.
    """

    csi: Change
    elements: tuple[Change, ...]


def wave_change(before_csi: MeanSummary, after_csi: MeanSummary, before_elements: list[MeanSummary],
                after_elements: list[MeanSummary]) -> WaveChange:
    """Welch tests of the CSI change and of each element's change, elements Holm-corrected."""
    if len(before_elements) != len(after_elements):
        raise ValueError("wave_change: the two waves must have the same elements")
    raw = [welch_change(b, a) for b, a in zip(before_elements, after_elements)]
    adj = holm(np.array([c.p_value for c in raw]))
    elements = tuple(Change(c.diff, c.se, c.t, c.df, c.p_value, float(a)) for c, a in zip(raw, adj))
    return WaveChange(welch_change(before_csi, after_csi), elements)
