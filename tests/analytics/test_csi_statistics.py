"""Scoring, importance, AHP, CSI, loyalty, breakdowns and portfolio against independent references."""

import itertools

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttest_ind

from cxm.analytics.csi import _Sums, csi, group_breakdown, loyalty, top2_rate
from cxm.analytics.stats import bca_interval, holm
from cxm.analytics.importance import (RANDOM_INDEX, ahp_weights, estimate_importance, regression_weights,
                                      relative_weights, shapley_values, weights_from_raw)
from cxm.analytics.portfolio import portfolio
from cxm.analytics.questionnaire import Element, Item
from cxm.analytics.scoring import element_scores, item_scores, score_responses


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[:, 1] += 0.6 * X[:, 0]
    X[:, 3] += 0.3 * X[:, 2]
    y = X @ np.array([0.8, 0.4, 0.3, -0.1]) + rng.normal(size=n)
    return X, y, np.corrcoef(np.column_stack([X, y]), rowvar=False)


# ---------------------------------------------------------------- scoring (hand-computed)
def test_item_scores_hand_computed():
    got = item_scores(np.array([[1, 4, np.nan], [5, 7, 10]]), [1, 1, 0], [5, 7, 10])
    np.testing.assert_allclose(got, [[0, 50, np.nan], [100, 100, 100]])


def test_element_scores_weighted_available_case_hand_computed():
    s = np.array([[50.0, 100.0, 0.0], [np.nan, 20.0, np.nan], [np.nan, np.nan, 30.0]])
    got = element_scores(s, [[0, 1], [2]], np.array([1.0, 3.0, 1.0]))
    np.testing.assert_allclose(got, [[(50 + 300) / 4, 0.0], [20.0, np.nan], [np.nan, 30.0]])


def test_score_responses_keeps_respondent_without_overall_in_satisfaction():
    frame = pl.DataFrame({"A1": [1.0, 5.0, 3.0], "O": [1.0, None, 7.0]})
    t = score_responses(frame, [Element("A", (Item("A1", (1.0, 5.0)),))], Item("O", (1.0, 7.0)))
    assert t.satisfaction()[0] == pytest.approx(50.0) and t.overall_satisfaction() == pytest.approx(50.0)


# ---------------------------------------------------------------- importance
def test_correlation_importance_matches_numpy_corrcoef_and_clips_negatives():
    X, y, R = _data()
    imp = estimate_importance(X, y, "correlation")
    ref = [np.corrcoef(X[:, j], y)[0, 1] for j in range(4)]
    np.testing.assert_allclose(imp.raw, ref, atol=1e-12)
    clipped = np.clip(ref, 0, None)
    np.testing.assert_allclose(imp.weights, clipped / clipped.sum(), atol=1e-12)


def test_correlation_importance_pairwise_complete_cases():
    X, y, _ = _data()
    X[:50, 0] = np.nan
    y[60:70] = np.nan
    imp = estimate_importance(X, y, "correlation")
    ok = np.isfinite(X[:, 0]) & np.isfinite(y)
    assert imp.raw[0] == pytest.approx(np.corrcoef(X[ok, 0], y[ok])[0, 1], abs=1e-12)


def test_all_nonpositive_importance_falls_back_to_equal_weights_with_warning():
    w, fell = weights_from_raw(np.array([-0.2, 0.0, -0.1]))
    np.testing.assert_allclose(w, [1 / 3] * 3)
    assert fell
    X, y, _ = _data()
    with pytest.warns(UserWarning, match="equal weights"):
        imp = estimate_importance(X[:, :1], -y, "correlation")
    assert imp.warnings and imp.weights[0] == 1.0


def test_regression_weights_match_statsmodels_ols_on_standardised_data():
    X, y, R = _data()
    z = lambda a: (a - a.mean(0)) / a.std(0, ddof=1)  # noqa: E731
    fit = sm.OLS(z(y), sm.add_constant(z(X))).fit()
    beta, r2 = regression_weights(R)
    np.testing.assert_allclose(beta, fit.params[1:], atol=1e-10)
    assert r2 == pytest.approx(fit.rsquared, abs=1e-10)


def test_relative_weights_match_johnsons_svd_construction_and_sum_to_r2():
    # Independent route (Johnson 2000, eqs. 1-6): X = P D Q', Z = P Q' (orthogonal), regress y
    # on Z, Lambda = Q D Q' / sqrt(n-1); eps_j = sum_k Lambda_jk^2 beta_k^2.
    X, y, R = _data()
    n = len(y)
    Xs = (X - X.mean(0)) / X.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    P, d, Qt = np.linalg.svd(Xs, full_matrices=False)
    Z = P @ Qt * np.sqrt(n - 1)
    beta = np.linalg.lstsq(Z, ys, rcond=None)[0]
    lam = Qt.T @ np.diag(d) @ Qt / np.sqrt(n - 1)
    ref = (lam ** 2) @ (beta ** 2)
    eps, r2 = relative_weights(R)
    np.testing.assert_allclose(eps, ref, atol=1e-10)
    assert eps.sum() == pytest.approx(sm.OLS(y, sm.add_constant(X)).fit().rsquared, abs=1e-10)


def test_relative_weights_equal_squared_correlations_for_orthogonal_predictors():
    R = np.array([[1, 0, 0.3], [0, 1, 0.5], [0.3, 0.5, 1]])
    eps, r2 = relative_weights(R)
    np.testing.assert_allclose(eps, [0.09, 0.25], atol=1e-12)


def test_shapley_two_predictors_hand_computed():
    r1, r2, r12 = 0.5, 0.4, 0.3
    R = np.array([[1, r12, r1], [r12, 1, r2], [r1, r2, 1]])
    full = (r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * r12) / (1 - r12 ** 2)
    phi, total = shapley_values(R)
    np.testing.assert_allclose(phi, [0.5 * r1 ** 2 + 0.5 * (full - r2 ** 2), 0.5 * r2 ** 2 + 0.5 * (full - r1 ** 2)],
                               atol=1e-12)
    assert total == pytest.approx(full, abs=1e-12)


def test_shapley_matches_brute_force_statsmodels_subsets_and_approximates_relative_weights():
    X, y, R = _data()
    m = X.shape[1]
    r2 = {(): 0.0}
    for k in range(1, m + 1):
        for s in itertools.combinations(range(m), k):
            r2[s] = sm.OLS(y, sm.add_constant(X[:, s])).fit().rsquared
    from math import factorial
    ref = np.zeros(m)
    for j in range(m):
        for s, v in r2.items():
            if j not in s:
                w = factorial(len(s)) * factorial(m - len(s) - 1) / factorial(m)
                ref[j] += w * (r2[tuple(sorted(s + (j,)))] - v)
    phi, total = shapley_values(R)
    np.testing.assert_allclose(phi, ref, atol=1e-10)
    assert phi.sum() == pytest.approx(r2[tuple(range(m))], abs=1e-10)
    np.testing.assert_allclose(phi, relative_weights(R)[0], atol=0.02)


def test_batched_importance_equals_one_at_a_time():
    mats = np.stack([_data(seed=s)[2] for s in range(3)])
    phi, _ = shapley_values(mats)
    np.testing.assert_allclose(phi[2], shapley_values(mats[2])[0], atol=1e-12)


# ---------------------------------------------------------------- AHP
def test_ahp_consistent_matrix_recovers_weights_exactly():
    w = np.array([0.5, 0.25, 0.15, 0.1])
    res = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(res.weights, w, atol=1e-12)
    assert res.lambda_max == pytest.approx(4.0) and res.cr == pytest.approx(0.0, abs=1e-12)


def test_ahp_three_by_three_closed_form():
    # For n = 3 the principal eigenvector is the normalised row geometric mean and
    # lambda_max = 1 + t + 1/t with t = (a12 a23 / a13)^(1/3) (hand derivation).
    a12, a13, a23 = 3.0, 5.0, 3.0
    A = np.array([[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]])
    res = ahp_weights(A, strict=False)
    g = np.prod(A, axis=1) ** (1 / 3)
    np.testing.assert_allclose(res.weights, g / g.sum(), atol=1e-10)
    t = (a12 * a23 / a13) ** (1 / 3)
    lam = 1 + t + 1 / t
    assert res.lambda_max == pytest.approx(lam, abs=1e-10)
    assert res.cr == pytest.approx((lam - 3) / 2 / 0.58, abs=1e-10)


def test_ahp_inconsistent_matrix_is_rejected_or_flagged():
    A = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])  # a cycle: a > b > c > a
    with pytest.raises(ValueError, match="consistency ratio"):
        ahp_weights(A)
    assert not ahp_weights(A, strict=False).consistent


def test_ahp_random_index_is_saatys_table():
    assert RANDOM_INDEX[:10] == (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)


def test_ahp_rejects_non_reciprocal_matrix():
    with pytest.raises(ValueError, match="not reciprocal"):
        ahp_weights(np.array([[1, 2], [2, 1]]))


# ---------------------------------------------------------------- CSI
def _scores(n=600, seed=1, missing=0.05):
    rng = np.random.default_rng(seed)
    E = np.clip(rng.normal([70, 60, 55, 65], 15, size=(n, 4)), 0, 100)
    y = np.clip(E @ [0.4, 0.3, 0.2, 0.1] + rng.normal(0, 8, n), 0, 100)
    E[rng.random(E.shape) < missing] = np.nan
    y[rng.random(n) < missing] = np.nan
    return E, y


@pytest.mark.parametrize("method", ["correlation", "regression", "relative", "shapley"])
def test_csi_point_is_weights_times_available_case_means(method):
    E, y = _scores()
    res = csi(E, y, method=method, bootstrap=0)
    sat = np.nanmean(E, axis=0)
    assert res.csi == pytest.approx(float(res.importance.weights @ sat), abs=1e-10)
    assert res.overall == pytest.approx(np.nanmean(y), abs=1e-10)


@pytest.mark.parametrize("method", ["correlation", "regression", "relative", "shapley"])
def test_sufficient_sums_reproduce_the_estimate_from_the_raw_data(method):
    # the bootstrap's statistic-from-sums equals the direct estimate (weights re-estimated)
    E, y = _scores()
    sums = _Sums(E, y, method, None)
    value, w, sat = sums.stat(sums.D.sum(axis=0))
    direct = csi(E, y, method=method, bootstrap=0)
    assert value == pytest.approx(direct.csi, abs=1e-9)
    np.testing.assert_allclose(w, direct.importance.weights, atol=1e-9)
    # a resample with counts c equals the estimate on the data with rows repeated c times
    c = np.random.default_rng(5).multinomial(len(y), np.full(len(y), 1 / len(y)))
    rep = np.repeat(np.arange(len(y)), c)
    v2, _, _ = sums.stat(c @ sums.D)
    assert v2 == pytest.approx(csi(E[rep], y[rep], method=method, bootstrap=0).csi, abs=1e-8)


def test_bca_interval_matches_scipy_for_the_mean():
    from scipy import stats
    x = np.random.default_rng(3).exponential(size=80)
    ref = stats.bootstrap((x,), np.mean, n_resamples=20000, method="BCa", random_state=1).confidence_interval
    rng = np.random.default_rng(2)
    idx = rng.integers(0, x.size, size=(20000, x.size))
    reps = x[idx].mean(axis=1)
    jack = (x.sum() - x) / (x.size - 1)
    lo, hi = bca_interval(reps, x.mean(), jack)
    assert lo == pytest.approx(ref.low, abs=0.01) and hi == pytest.approx(ref.high, abs=0.015)


def test_bootstrap_percentile_interval_covers_the_true_csi_about_95_percent():
    rng = np.random.default_rng(42)
    mu, w_true = np.array([70.0, 60.0, 50.0]), np.array([0.5, 0.3, 0.2])
    true_csi = float(w_true @ mu)
    hits = 0
    for s in range(200):
        E = mu + rng.normal(0, 15, size=(300, 3))
        res = csi(E, E @ w_true, weights=w_true, bootstrap=300, seed=s)
        hits += res.ci.percentile[0] <= true_csi <= res.ci.percentile[1]
    assert 0.90 <= hits / 200 <= 0.99


def test_bootstrap_is_reproducible_with_a_seed():
    E, y = _scores()
    a, b = csi(E, y, bootstrap=200, seed=7), csi(E, y, bootstrap=200, seed=7)
    assert a.ci == b.ci and a.ci.percentile[0] < a.csi < a.ci.percentile[1]


# ---------------------------------------------------------------- loyalty
def test_loyalty_hand_computed():
    ret = np.array([5, 4, 3, np.nan, 1.0])
    rec = np.array([10, 9, 8, 6, 0.0])
    loy = loyalty(ret, (1.0, 5.0), rec, (0.0, 10.0))
    assert loy.retention_rate == pytest.approx(50.0)  # 2 of 4 answered in 4-5
    assert loy.recommend_rate == pytest.approx(40.0)  # 9-10
    assert loy.retention_mean == pytest.approx((100 + 75 + 50 + 0) / 4)
    assert loy.recommend_mean == pytest.approx((100 + 90 + 80 + 60 + 0) / 5)
    assert loy.cli == pytest.approx((loy.retention_mean + loy.recommend_mean) / 2)
    assert loy.nps == pytest.approx(40.0 - 40.0)
    assert top2_rate(np.array([7, 6, 5.0]), (1.0, 7.0)) == pytest.approx(200 / 3)


def test_nps_only_for_a_zero_to_ten_item():
    assert loyalty(None, None, np.array([5.0, 4.0]), (1.0, 5.0)).nps is None


# ---------------------------------------------------------------- breakdowns
def test_holm_matches_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.005])
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], atol=1e-12)


def test_group_vs_rest_welch_test_matches_statsmodels_on_complete_data():
    rng = np.random.default_rng(9)
    E = rng.normal(60, 15, size=(300, 3))
    labels = np.array(["N", "S", "W"] * 100, dtype=object)
    E[labels == "S"] -= 5
    w = np.array([0.5, 0.3, 0.2])
    res = group_breakdown(E, E.mean(axis=1), w, labels)
    contrib = E @ w
    ps = []
    for g in res:
        t, p, df = ttest_ind(contrib[labels == g.group], contrib[labels != g.group], usevar="unequal")
        assert g.csi == pytest.approx(contrib[labels == g.group].mean(), abs=1e-10)
        assert g.t == pytest.approx(t, abs=1e-10) and g.df == pytest.approx(df, abs=1e-8)
        assert g.p_value == pytest.approx(p, abs=1e-12)
        ps.append(p)
    np.testing.assert_allclose([g.p_holm for g in res], multipletests(ps, method="holm")[1], atol=1e-12)
    assert res[1].group == "S" and res[1].p_holm < 0.01


def test_group_csi_with_missing_answers_uses_available_case_means():
    E, _ = _scores(seed=4, missing=0.2)
    labels = np.array(["a", "b"] * 300, dtype=object)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    res = group_breakdown(E, np.zeros(600), w, labels)
    assert res[0].csi == pytest.approx(float(w @ np.nanmean(E[labels == "a"], axis=0)), abs=1e-10)


# ---------------------------------------------------------------- portfolio
def test_portfolio_quadrants_hand_computed_with_ties_high():
    imp = np.array([0.4, 0.4, 0.1, 0.1, 0.25])
    sat = np.array([80, 50, 50, 80, 65.0])
    p = portfolio(imp, sat)
    # means: importance 0.25, satisfaction 65; the last point sits on both cross-hairs -> A
    assert p.quadrants == ("A", "B", "C", "D", "A")
    assert p.importance_mean == pytest.approx(0.25) and p.satisfaction_mean == pytest.approx(65.0)


def test_ahp_weights_match_power_iteration_on_an_inconsistent_five_by_five():
    # Saaty's definition: w = lim A^k e / (e' A^k e); independent of the eigen solver used.
    rng = np.random.default_rng(11)
    w0 = rng.random(5) + 0.2
    noise = np.triu(rng.normal(0, 0.15, (5, 5)), 1)
    A = w0[:, None] / w0[None, :] * np.exp(noise - noise.T)  # reciprocal by construction
    v = np.ones(5)
    for _ in range(200):
        v = A @ v
        v /= v.sum()
    res = ahp_weights(A, strict=False)
    np.testing.assert_allclose(res.weights, v, atol=1e-10)
    assert res.lambda_max == pytest.approx(float((A @ v / v).mean()), abs=1e-8)


def test_bootstrap_intervals_cover_the_true_csi_with_correlation_weights_reestimated():
    # Population truth in closed form: E ~ N(mu, S), y = E b + e  =>  corr_i = (S b)_i / sqrt(S_ii var y).
    rng = np.random.default_rng(7)
    mu = np.array([70.0, 60.0, 50.0])
    S = np.array([[225.0, 90, 45], [90, 225, 60], [45, 60, 225]])
    b = np.array([0.5, 0.3, 0.1])
    var_y = b @ S @ b + 100.0
    corr = S @ b / np.sqrt(np.diag(S) * var_y)
    true_csi = float(corr / corr.sum() @ mu)
    L = np.linalg.cholesky(S)
    pct = bca = 0
    for s in range(200):
        E = mu + rng.normal(size=(300, 3)) @ L.T
        y = E @ b + rng.normal(0, 10, 300)
        res = csi(E, y, method="correlation", bootstrap=300, seed=s)
        pct += res.ci.percentile[0] <= true_csi <= res.ci.percentile[1]
        bca += res.ci.bca[0] <= true_csi <= res.ci.bca[1]
    assert 0.90 <= pct / 200 <= 0.99 and 0.90 <= bca / 200 <= 0.99
