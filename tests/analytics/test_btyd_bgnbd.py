"""BG/NBD and MBG/NBD against lifetimes (side by side), Fader-Hardie-Lee (2005) and a simulation."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from cxm.analytics.btyd.bgnbd import BetaGeoModel
from cxm.analytics.btyd.mbgnbd import ModifiedBetaGeoModel
from cxm.analytics.exceptions import NotFittedError

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.datasets import load_cdnow_summary  # noqa: E402


@pytest.fixture(scope="module")
def cdnow():
    d = load_cdnow_summary(index_col=[0])
    return d["frequency"].to_numpy(float), d["recency"].to_numpy(float), d["T"].to_numpy(float)


@pytest.fixture(scope="module")
def ours(cdnow):
    return BetaGeoModel().fit(*cdnow)


@pytest.fixture(scope="module")
def theirs(cdnow):
    return lifetimes.BetaGeoFitter().fit(*cdnow)


def _rel(a, b):
    return abs(a - b) / abs(b)


def test_bgnbd_cdnow_params_agree_with_lifetimes(ours, theirs):
    for name in ("r", "alpha", "a", "b"):
        assert _rel(ours.params_[name], float(theirs.params_[name])) < 1e-3, name


def test_bgnbd_cdnow_loglik_agrees_with_lifetimes(ours, theirs, cdnow):
    # lifetimes fits on rescaled T, so evaluate its own likelihood at its parameters on the raw data
    log_p = np.log([float(theirs.params_[k]) for k in ("r", "alpha", "a", "b")])
    mean_nll = lifetimes.BetaGeoFitter._negative_log_likelihood(log_p, *cdnow, np.ones(cdnow[0].size), 0.0)
    assert ours.loglik_ == pytest.approx(-mean_nll * cdnow[0].size, abs=1e-2)


def test_bgnbd_cdnow_matches_fader_hardie_lee_2005(ours):
    # Published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (2,357 customers)
    assert ours.n_ == 2357 and ours.converged_
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert round(ours.params_[name], 3) == value, name
    assert round(ours.loglik_, 1) == -9582.4


def test_bgnbd_predictions_agree_with_lifetimes(ours, theirs, cdnow):
    x, t_x, T = cdnow
    np.testing.assert_allclose(ours.conditional_probability_alive(x, t_x, T),
                               theirs.conditional_probability_alive(x, t_x, T), rtol=2e-5)
    np.testing.assert_allclose(ours.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
                               theirs.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T), rtol=2e-5)
    t = np.array([1.0, 10.0, 39.0, 78.0])
    np.testing.assert_allclose(ours.expected_number_of_purchases_up_to_time(t),
                               theirs.expected_number_of_purchases_up_to_time(t), rtol=2e-5)


def test_bgnbd_expected_purchases_match_pfaff_free_textbook_formula(ours):
    # Hand formula of FHL (2005) eq. 10, evaluated with scipy's 2F1 directly, for moderate x.
    from scipy.special import hyp2f1

    p = ours.params_
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    x, t_x, T, t = 3.0, 20.0, 38.0, 26.0
    alive = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    textbook = ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))) * alive)
    got = ours.conditional_expected_number_of_purchases_up_to_time(t, [x], [t_x], [T])[0]
    assert got == pytest.approx(textbook, rel=1e-10)


def test_bgnbd_gradient_is_the_derivative_of_the_likelihood(ours):
    data, w = ours._fit_data
    point = ours._log_params() + np.array([0.2, -0.1, 0.3, -0.2])
    analytic = ours._negloglik(point, data, w)[1]
    numeric = approx_fprime(point, lambda z: ours._negloglik(z, data, w)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-3)


def test_bgnbd_large_frequency_does_not_overflow(ours):
    x, t_x, T = np.array([10_000.0, 10_000.0]), np.array([38.859, 5.0]), np.array([38.86, 38.86])
    ll = ours.loglik_individual(x, t_x, T)
    assert np.isfinite(ll).all()
    alive = ours.conditional_probability_alive(x, t_x, T)
    assert alive[0] > 0.5 and alive[1] == pytest.approx(0.0, abs=1e-300)
    assert np.isfinite(ours.conditional_expected_number_of_purchases_up_to_time(10, x, t_x, T)).all()
    refit = BetaGeoModel().fit(np.r_[x, 0, 1, 2], np.r_[t_x, 0, 5, 20], np.r_[T, 38.86, 38.86, 38.86])
    assert np.isfinite(refit.loglik_)


def test_bgnbd_weights_equal_repeated_rows(cdnow):
    x, t_x, T = (c[:300] for c in cdnow)
    w = np.arange(300) % 3 + 1
    weighted = BetaGeoModel().fit(x, t_x, T, weights=w)
    repeated = BetaGeoModel().fit(np.repeat(x, w), np.repeat(t_x, w), np.repeat(T, w))
    for k in weighted.params_:
        assert weighted.params_[k] == pytest.approx(repeated.params_[k], rel=1e-5)
    assert weighted.loglik_ == pytest.approx(repeated.loglik_, rel=1e-9)


def _simulate_bgnbd(n, r, alpha, a, b, T_max, rng):
    """Simulate (x, t_x, T) from the BG/NBD story, vectorised over customers.

    An immortal customer makes N ~ Poisson(lambda T) repeat purchases in (0, T]; the customer
    leaves right after repeat purchase J ~ Geometric(p); x = min(N, J), and the time of the
    x-th of N uniform purchase times is T * Beta(x, N - x + 1).
    """
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(1, T_max, n)
    n_poisson = rng.poisson(lam * T)
    x = np.minimum(n_poisson, rng.geometric(p))
    safe_x = np.maximum(x, 1)
    t_x = np.where(x > 0, T * rng.beta(safe_x, n_poisson - safe_x + 1 + (x == 0)), 0.0)
    return x.astype(float), t_x, T


def test_bgnbd_recovers_simulated_parameters():
    rng = np.random.default_rng(7)
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    x, t_x, T = _simulate_bgnbd(30_000, *truth.values(), T_max=52, rng=rng)
    fitted = BetaGeoModel().fit(x, t_x, T)
    se = fitted.summary()["std_error"].to_numpy()
    for (name, value), s in zip(truth.items(), se):
        assert abs(fitted.params_[name] - value) < 4 * s, (name, fitted.params_[name], s)


def test_mbgnbd_agrees_with_lifetimes(cdnow):
    ours = ModifiedBetaGeoModel().fit(*cdnow)
    theirs = lifetimes.ModifiedBetaGeoFitter().fit(*cdnow)
    for name in ("r", "alpha", "a", "b"):
        assert _rel(ours.params_[name], float(theirs.params_[name])) < 1e-3, name
    log_p = np.log([float(theirs.params_[k]) for k in ("r", "alpha", "a", "b")])
    mean_nll = lifetimes.ModifiedBetaGeoFitter._negative_log_likelihood(log_p, *cdnow, np.ones(cdnow[0].size), 0.0)
    assert ours.loglik_ == pytest.approx(-mean_nll * cdnow[0].size, abs=1e-2)
    x, t_x, T = cdnow
    np.testing.assert_allclose(ours.conditional_probability_alive(x, t_x, T),
                               theirs.conditional_probability_alive(x, t_x, T), rtol=1e-4)
    np.testing.assert_allclose(ours.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
                               theirs.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T), rtol=1e-4)
    t = np.array([1.0, 10.0, 39.0])
    np.testing.assert_allclose(ours.expected_number_of_purchases_up_to_time(t),
                               theirs.expected_number_of_purchases_up_to_time(t), rtol=1e-4)


def test_bgnbd_prediction_before_fit_raises():
    with pytest.raises(NotFittedError):
        BetaGeoModel().conditional_probability_alive([1], [1], [2])


@pytest.mark.parametrize("x, t_x, T, bad", [([1.5], [1], [2], "1.5"), ([1], [3], [2], "3.0"),
                                             ([0], [1], [2], "1.0"), ([-1], [0], [2], "-1.0")])
def test_bgnbd_rejects_an_invalid_summary_naming_the_value(x, t_x, T, bad):
    with pytest.raises(ValueError, match=bad.replace(".", r"\.")):
        BetaGeoModel().fit(x, t_x, T)


def test_bgnbd_summary_is_a_polars_frame_with_standard_errors(ours):
    s = ours.summary()
    assert s["param"].to_list() == ["r", "alpha", "a", "b"]
    assert (s["std_error"].to_numpy() > 0).all()


def test_unique_rows_matches_numpy_unique_on_rows():
    from cxm.analytics.btyd.common import unique_rows

    rng = np.random.default_rng(0)
    cols = rng.integers(0, 5, 2000).astype(float), rng.integers(0, 9, 2000) / 7, rng.integers(1, 4, 2000) * 1.5
    uniq, counts, inverse = unique_rows(*cols)
    expected, expected_counts = np.unique(np.column_stack(cols), axis=0, return_counts=True)
    np.testing.assert_array_equal(np.column_stack(uniq), expected)
    np.testing.assert_array_equal(counts, expected_counts)
    for u, c in zip(uniq, cols):
        np.testing.assert_array_equal(u[inverse], c)


def test_bgnbd_stopped_early_warns_and_reports_not_converged(cdnow):
    from cxm.analytics.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning):
        fitted = BetaGeoModel(max_iter=1).fit(*cdnow)
    assert fitted.converged_ is False


def test_bgnbd_warm_start_on_many_rows_reaches_the_cold_start_optimum():
    # 60,000 distinct rows trigger the subsample warm start; the optimum must not move
    rng = np.random.default_rng(11)
    x, t_x, T = _simulate_bgnbd(60_000, 0.5, 5.0, 0.8, 2.5, 40, rng)
    warm = BetaGeoModel().fit(x, t_x, T)
    BetaGeoModel._warm_rows = 10**9
    try:
        cold = BetaGeoModel().fit(x, t_x, T)
    finally:
        del BetaGeoModel._warm_rows
    for k in warm.params_:
        assert warm.params_[k] == pytest.approx(cold.params_[k], rel=1e-6)


@pytest.mark.parametrize("model", [BetaGeoModel, ModifiedBetaGeoModel])
def test_bgnbd_customer_acquired_on_the_last_day_adds_nothing_to_the_likelihood(ours, model):
    fitted = model.from_params(ours.params_)
    assert fitted.loglik_individual([0], [0], [0])[0] == pytest.approx(0.0, abs=1e-12)
    a, b = ours.params_["a"], ours.params_["b"]
    # BG/NBD: nobody drops out before a repeat purchase; MBG/NBD: with probability a/(a+b) at time 0
    expected = b / (a + b) if model is ModifiedBetaGeoModel else 1.0
    assert fitted.conditional_probability_alive([0], [0], [0])[0] == pytest.approx(expected, rel=1e-12)
