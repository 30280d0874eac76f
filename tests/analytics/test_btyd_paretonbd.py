"""Pareto/NBD against lifetimes (side by side) and Fader & Hardie's published CDNOW fit."""

import numpy as np
import pytest

from cxm.analytics.btyd.paretonbd import ParetoNBDModel

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.datasets import load_cdnow_summary  # noqa: E402

NAMES = ("r", "alpha", "s", "beta")


@pytest.fixture(scope="module")
def cdnow():
    d = load_cdnow_summary(index_col=[0])
    return d["frequency"].to_numpy(float), d["recency"].to_numpy(float), d["T"].to_numpy(float)


@pytest.fixture(scope="module")
def ours(cdnow):
    return ParetoNBDModel().fit(*cdnow)


@pytest.fixture(scope="module")
def theirs(cdnow):
    return lifetimes.ParetoNBDFitter().fit(*cdnow)


def test_paretonbd_cdnow_params_agree_with_lifetimes(ours, theirs):
    for name in NAMES:
        assert abs(ours.params_[name] / float(theirs.params_[name]) - 1) < 1e-3, name


def test_paretonbd_cdnow_loglik_agrees_with_lifetimes(ours, theirs, cdnow):
    params = [float(theirs.params_[k]) for k in NAMES]
    total_nll = lifetimes.ParetoNBDFitter._negative_log_likelihood(params, *cdnow, np.ones(cdnow[0].size), 0.0)
    assert ours.loglik_ == pytest.approx(-total_nll, abs=1e-2)


def test_paretonbd_cdnow_matches_published_fit(ours):
    # Fader, Hardie & Lee (2005), CDNOW 2,357: r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0
    assert ours.converged_ and ours.n_ == 2357
    published = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
    for name, value in published.items():
        assert round(ours.params_[name], 2) == value, name
    assert round(ours.loglik_, 1) == -9595.0


def test_paretonbd_predictions_agree_with_lifetimes(ours, theirs, cdnow):
    x, t_x, T = cdnow
    # same parameters on both sides, so the comparison tests the formulas, not the optimisers
    same = ParetoNBDModel.from_params({k: float(theirs.params_[k]) for k in NAMES})
    np.testing.assert_allclose(same.conditional_probability_alive(x, t_x, T),
                               theirs.conditional_probability_alive(x, t_x, T), rtol=1e-8)
    np.testing.assert_allclose(same.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
                               theirs.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T), rtol=1e-8)
    t = np.array([1.0, 10.0, 39.0])
    np.testing.assert_allclose(same.expected_number_of_purchases_up_to_time(t),
                               theirs.expected_number_of_purchases_up_to_time(t), rtol=1e-8)


def test_paretonbd_loglik_is_finite_for_large_frequencies(ours):
    x = np.array([10_000.0, 10_000.0, 5_000.0])
    t_x = np.array([38.859, 5.0, 38.0])
    T = np.full(3, 38.86)
    assert np.isfinite(ours.loglik_individual(x, t_x, T)).all()
    alive = ours.conditional_probability_alive(x, t_x, T)
    assert alive[0] > 0.5 and alive[1] < 1e-100


def test_paretonbd_individual_loglik_sums_to_the_fitted_loglik(ours, cdnow):
    assert ours.loglik_individual(*cdnow).sum() == pytest.approx(ours.loglik_, rel=1e-12)


def test_paretonbd_fit_with_a_very_frequent_buyer_stays_finite(cdnow):
    x, t_x, T = (np.r_[c, v] for c, v in zip(cdnow, (10_000.0, 38.5, 38.86)))
    fitted = ParetoNBDModel().fit(x, t_x, T)
    assert np.isfinite(fitted.loglik_) and fitted.converged_


def test_paretonbd_result_is_a_frozen_record_of_the_fit(ours):
    import dataclasses

    res = ours.result()
    assert res.method == "Pareto/NBD" and res.n == 2357 and res.loglik == ours.loglik_
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n = 1


@pytest.mark.parametrize("params", [(0.55, 10.58, 0.61, 11.67), (2.0, 1.0, 3.0, 50.0), (0.5, 200.0, 0.6, 0.1)])
@pytest.mark.parametrize("x, t_x", [(3.0, 20.0), (10_000.0, 38.5)])
def test_paretonbd_dead_branch_equals_its_integral(params, x, t_x):
    # s/(r+s+x) * A0 = int_{t_x}^{T} s (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau (Fader & Hardie note, sec. 2)
    from scipy.integrate import quad

    from cxm.analytics.btyd.paretonbd import _log_a0

    r, alpha, s, beta = params
    T = 38.86

    def log_integrand(tau):
        return np.log(s) - (r + x) * np.log(alpha + tau) - (s + 1) * np.log(beta + tau)

    shift = log_integrand(t_x)
    integral, _ = quad(lambda tau: np.exp(log_integrand(tau) - shift), t_x, T, epsabs=0, epsrel=1e-12, limit=200)
    expected = shift + np.log(integral)
    got = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, np.array([x]), np.array([t_x]), np.array([T]))[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
