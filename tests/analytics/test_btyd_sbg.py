"""Shifted-beta-geometric model against Fader & Hardie (2007)."""

import numpy as np
import pytest
from scipy.special import beta as beta_fn

from cxm.analytics.btyd.sbg import ShiftedBetaGeometricModel

REGULAR = [100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1]
HIGH_END = [100, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7, 49.1]


@pytest.mark.parametrize("percent, alpha, beta", [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)])
def test_sbg_reproduces_fader_hardie_2007(percent, alpha, beta):
    # The paper's cohorts are 1,000 customers; fitted on years 0..7.
    fitted = ShiftedBetaGeometricModel().fit(np.array(percent) * 10)
    assert fitted.converged_ and fitted.n_ == 1000
    assert round(fitted.params_["alpha"], 3) == alpha
    assert round(fitted.params_["beta"], 3) == beta


def test_sbg_loglik_matches_the_paper_for_the_high_end_cohort():
    # Fader & Hardie (2007) report LL = -1611.2 for the high-end segment
    fitted = ShiftedBetaGeometricModel().fit(np.array(HIGH_END) * 10)
    assert round(fitted.loglik_, 1) == -1611.2


def test_sbg_percentages_give_the_same_parameters_as_counts():
    a = ShiftedBetaGeometricModel().fit(REGULAR).params_
    b = ShiftedBetaGeometricModel().fit(np.array(REGULAR) * 10).params_
    assert a["alpha"] == pytest.approx(b["alpha"], rel=1e-6) and a["beta"] == pytest.approx(b["beta"], rel=1e-6)


def test_sbg_projections_are_the_beta_function_ratios():
    m = ShiftedBetaGeometricModel.from_params({"alpha": 0.704, "beta": 1.182})
    t = np.arange(0, 13)
    expected = beta_fn(0.704, 1.182 + t) / beta_fn(0.704, 1.182)
    np.testing.assert_allclose(m.survival(t), expected, rtol=1e-12)
    np.testing.assert_allclose(m.retention_rate(t[1:]), expected[1:] / expected[:-1], rtol=1e-12)
    np.testing.assert_allclose(m.churn_probability(t[1:]), expected[:-1] - expected[1:], rtol=1e-10)


def test_sbg_first_period_churn_is_alpha_over_alpha_plus_beta():
    m = ShiftedBetaGeometricModel.from_params({"alpha": 2.0, "beta": 3.0})
    assert m.churn_probability(1) == pytest.approx(0.4, rel=1e-12)
    assert m.retention_rate(2) == pytest.approx(4.0 / 6.0, rel=1e-12)


def test_sbg_rejects_a_rising_survivor_count():
    with pytest.raises(ValueError, match="70"):
        ShiftedBetaGeometricModel().fit([100, 60, 70])
