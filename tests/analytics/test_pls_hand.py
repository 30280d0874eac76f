"""Hand computations on a small two-construct case (X -> Y, two items each, 1..5 scale).

For two mode-A blocks every inner scheme gives the same fixed point: w_x is proportional
to R_xy w_y and w_y to R_yx w_x, i.e. the leading singular vectors of the between-block
correlation matrix (Wold 1982; Tenenhaus et al. 2005, section 2.4), scaled to
unit-variance scores. Everything else below is written out from its textbook formula.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from cxm.analytics.pls import ModelSpec, PLSPathModel

ROWS = [
    # x1 x2 y1 y2
    (4, 5, 4, 4),
    (2, 3, 3, 2),
    (5, 4, 5, 4),
    (3, 3, 2, 3),
    (1, 2, 2, 1),
    (4, 4, 3, 5),
    (2, 1, 1, 2),
    (5, 5, 4, 5),
]
DATA = pl.DataFrame(np.array(ROWS, float), schema=["x1", "x2", "y1", "y2"], orient="row")
SPEC = ModelSpec.from_dict({
    "constructs": {"X": ["x1", "x2"], "Y": ["y1", "y2"]},
    "paths": ["X -> Y"],
    "scale": [1, 5],
})
X = np.array(ROWS, float)
R = np.corrcoef(X, rowvar=False)
RXX, RYY, RXY = R[:2, :2], R[2:, 2:], R[:2, 2:]


@pytest.fixture(scope="module", params=["path", "centroid", "factorial"])
def fitted(request):
    return PLSPathModel(SPEC, scheme=request.param, tol=1e-12).fit(DATA)


def _hand_weights():
    u, _, vt = np.linalg.svd(RXY)
    wx, wy = u[:, 0] * np.sign(u[:, 0].sum()), vt[0] * np.sign(vt[0].sum())
    return wx / math.sqrt(wx @ RXX @ wx), wy / math.sqrt(wy @ RYY @ wy)


def test_pls_hand_weights_loadings_and_path(fitted):
    wx, wy = _hand_weights()
    np.testing.assert_allclose(fitted.outer_weights_, np.r_[wx, wy], atol=1e-9)
    np.testing.assert_allclose(fitted.loadings_, np.r_[RXX @ wx, RYY @ wy], atol=1e-9)
    beta = wx @ RXY @ wy
    assert fitted.path_coefficients_[0, 1] == pytest.approx(beta, abs=1e-9)
    assert fitted.r2_[1] == pytest.approx(beta**2, abs=1e-9)
    assert fitted.r2_adj_[1] == pytest.approx(1 - (1 - beta**2) * 7 / 6, abs=1e-9)


def test_pls_hand_reliability(fitted):
    wx, wy = _hand_weights()
    for j, (rr, w) in enumerate([(RXX, wx), (RYY, wy)]):
        r = rr[0, 1]
        lam = rr @ w
        assert fitted.alpha_[j] == pytest.approx(2 * r / (1 + r), abs=1e-9)  # standardised alpha, k=2
        rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam[0] ** 2) + (1 - lam[1] ** 2))
        assert fitted.rho_c_[j] == pytest.approx(rho_c, abs=1e-9)
        assert fitted.ave_[j] == pytest.approx((lam[0] ** 2 + lam[1] ** 2) / 2, abs=1e-9)
        # rho_A = (w'w)^2 * w'(S - diag S)w / w'(ww' - diag ww')w, two items written out
        rho_a = (w[0] ** 2 + w[1] ** 2) ** 2 * (2 * w[0] * w[1] * r) / (2 * w[0] ** 2 * w[1] ** 2)
        assert fitted.rho_a_[j] == pytest.approx(rho_a, abs=1e-9)


def test_pls_hand_htmt_fornell_larcker_and_gof(fitted):
    hetero = np.abs(RXY).mean()
    htmt = hetero / math.sqrt(abs(RXX[0, 1]) * abs(RYY[0, 1]))
    assert fitted.htmt_[0, 1] == pytest.approx(htmt, abs=1e-12)
    assert fitted.htmt_[1, 0] == pytest.approx(htmt, abs=1e-12)
    assert fitted.fornell_larcker_[0, 0] == pytest.approx(math.sqrt(fitted.ave_[0]), abs=1e-12)
    assert fitted.fornell_larcker_[1, 0] == pytest.approx(fitted.path_coefficients_[0, 1], abs=1e-12)
    gof = math.sqrt((fitted.loadings_**2).mean() * fitted.r2_[1])
    assert fitted.gof_ == pytest.approx(gof, abs=1e-12)


def test_pls_hand_index_on_the_raw_scale(fitted):
    wx, wy = _hand_weights()
    mean, sd = X.mean(axis=0), X.std(axis=0, ddof=1)
    for j, (w, cols) in enumerate([(wx, [0, 1]), (wy, [2, 3])]):
        raw = w / sd[cols]
        share = raw / raw.sum()
        # index = (sum w_i mean_i - min) / (max - min) * 100 on the 1..5 scale
        expected = ((share * mean[cols]).sum() - 1) / (5 - 1) * 100
        assert fitted.index_[j] == pytest.approx(expected, abs=1e-9)


def test_pls_hand_index_of_symmetric_block_is_the_rescaled_mean():
    # y2 is y1 shifted: equal sd and weights, so the index is the rescaled mean of both
    data = DATA.with_columns((pl.col("y1").clip(1, 4) + 1).alias("y2"), pl.col("y1").clip(1, 4).alias("y1"))
    m = PLSPathModel(SPEC).fit(data)
    y = data.select("y1", "y2").to_numpy()
    assert m.index_[1] == pytest.approx((y.mean() - 1) / 4 * 100, abs=1e-9)


def test_pls_hand_total_and_indirect_effects_of_a_chain():
    spec = ModelSpec.from_dict({
        "constructs": {"X": ["x1", "x2"], "M": ["y1"], "Y": ["y2"]},
        "paths": ["X -> M", "M -> Y", "X -> Y"],
    })
    m = PLSPathModel(spec).fit(DATA)
    b = m.path_coefficients_
    assert m.indirect_effects_[0, 2] == pytest.approx(b[0, 1] * b[1, 2], abs=1e-12)
    assert m.total_effects_[0, 2] == pytest.approx(b[0, 2] + b[0, 1] * b[1, 2], abs=1e-12)


def test_pls_hand_index_with_per_indicator_scale_parameter():
    # x1 answered on 1..5, x2 on 0..10: each item mean is rescaled by its own bounds
    m = PLSPathModel(SPEC, scale={"x2": (0, 10)}, tol=1e-12).fit(DATA)
    wx, _ = _hand_weights()
    mean, sd = X.mean(axis=0), X.std(axis=0, ddof=1)
    share = (wx / sd[:2]) / (wx / sd[:2]).sum()
    expected = share[0] * (mean[0] - 1) / 4 * 100 + share[1] * (mean[1] - 0) / 10 * 100
    assert m.index_[0] == pytest.approx(expected, abs=1e-9)
