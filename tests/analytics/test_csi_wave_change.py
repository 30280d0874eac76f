"""Wave-over-wave change of the CSI and its elements, and untested small groups in breakdowns.

References: scipy.stats.ttest_ind(equal_var=False) and ttest_ind_from_stats on the same data,
statsmodels' multipletests(method="holm"), and a hand-computed linearisation.
"""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cxm.analytics.csi import (MeanSummary, csi_summary, element_summaries, group_breakdown, wave_change,
                               welch_change)


def _wave(n, shift, seed, missing=0.0):
    rng = np.random.default_rng(seed)
    E = np.clip(rng.normal(65, 15, size=(n, 3)) + shift, 0, 100)
    if missing:
        E[rng.random(E.shape) < missing] = np.nan
    return E


def test_welch_change_matches_scipy_on_the_raw_values():
    rng = np.random.default_rng(1)
    a, b = rng.normal(60, 12, 150), rng.normal(63, 20, 90)
    got = welch_change(MeanSummary(a.mean(), a.var(ddof=1), a.size), MeanSummary(b.mean(), b.var(ddof=1), b.size))
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert got.diff == pytest.approx(b.mean() - a.mean(), abs=1e-12)
    assert got.t == pytest.approx(ref.statistic, abs=1e-10)
    assert got.df == pytest.approx(ref.df, abs=1e-8)
    assert got.p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_csi_summary_without_missing_answers_is_the_mean_and_variance_of_each_respondents_csi():
    E = _wave(200, 0, 2)
    w = np.array([0.5, 0.3, 0.2])
    s = csi_summary(E, w)
    assert s.value == pytest.approx((E @ w).mean(), abs=1e-10)
    assert s.var == pytest.approx((E @ w).var(ddof=1), abs=1e-8)
    assert s.n == 200


def test_csi_summary_with_a_missing_answer_hand_computed():
    # element means m = (60, 40) (the second from two answers); shares answering p = (1, 2/3)
    E = np.array([[50.0, 40.0], [60.0, np.nan], [70.0, 40.0]])
    w = np.array([0.5, 0.5])
    s = csi_summary(E, w)
    assert s.value == pytest.approx(50.0)
    # z_r = 50 + 0.5 (E_r1 - 60) + 0.5 / (2/3) * (E_r2 - 40) over the answered elements
    z = np.array([50 - 5 + 0.0, 50 + 0, 50 + 5 + 0.0])
    assert s.var == pytest.approx(z.var(ddof=1))


def test_the_wave_change_tests_match_scipy_and_the_elements_are_holm_corrected():
    before, after = _wave(300, 0, 3), _wave(250, [0, 2, 6], 4)
    w_before, w_after = np.array([0.4, 0.4, 0.2]), np.array([0.3, 0.3, 0.4])
    ch = wave_change(csi_summary(before, w_before), csi_summary(after, w_after),
                     element_summaries(before), element_summaries(after))
    ref = stats.ttest_ind(after @ w_after, before @ w_before, equal_var=False)
    assert ch.csi.diff == pytest.approx((after @ w_after).mean() - (before @ w_before).mean(), abs=1e-10)
    assert ch.csi.p_value == pytest.approx(ref.pvalue, abs=1e-12)
    ps = [stats.ttest_ind(after[:, j], before[:, j], equal_var=False).pvalue for j in range(3)]
    np.testing.assert_allclose([c.p_value for c in ch.elements], ps, atol=1e-12)
    np.testing.assert_allclose([c.p_holm for c in ch.elements], multipletests(ps, method="holm")[1], atol=1e-12)
    assert ch.elements[2].p_holm < 0.01 and ch.elements[2].diff > 0


def test_element_change_with_missing_answers_omits_them_like_scipy():
    before, after = _wave(200, 0, 5, missing=0.2), _wave(180, 3, 6, missing=0.2)
    ch = wave_change(csi_summary(before, np.ones(3) / 3), csi_summary(after, np.ones(3) / 3),
                     element_summaries(before), element_summaries(after))
    ref = stats.ttest_ind(after[:, 0], before[:, 0], equal_var=False, nan_policy="omit")
    assert ch.elements[0].p_value == pytest.approx(float(ref.pvalue), abs=1e-12)


def test_a_side_with_one_respondent_gives_no_test():
    ch = welch_change(MeanSummary(60.0, float("nan"), 1), MeanSummary(70.0, 100.0, 50))
    assert ch.diff == 10.0 and np.isnan(ch.p_value)


def test_groups_below_min_n_are_not_tested_and_leave_the_holm_family():
    E = _wave(330, 0, 7)
    labels = np.array(["big1"] * 150 + ["big2"] * 150 + ["tiny"] * 30, dtype=object)
    E[labels == "big2"] -= 4
    w = np.array([0.5, 0.3, 0.2])
    res = {g.group: g for g in group_breakdown(E, E.mean(axis=1), w, labels, min_n=31)}
    assert np.isnan(res["tiny"].p_value) and np.isnan(res["tiny"].p_holm)
    contrib = E @ w
    ps = [stats.ttest_ind(contrib[labels == g], contrib[labels != g], equal_var=False).pvalue for g in ("big1", "big2")]
    np.testing.assert_allclose([res["big1"].p_holm, res["big2"].p_holm], multipletests(ps, method="holm")[1],
                               atol=1e-12)


def test_the_one_pass_breakdown_equals_welch_on_each_groups_and_rests_linearised_contributions():
    from cxm.analytics.csi import _pseudo

    E = _wave(500, 0, 8, missing=0.15)
    rng = np.random.default_rng(9)
    labels = np.array(rng.choice(["N", "S", "W", "E"], 500), dtype=object)
    labels[:20] = None  # unlabelled respondents are in no group and in no rest
    labels[20:30] = float("nan")
    E[labels == "S"] -= 6
    w = np.array([0.5, 0.3, 0.2])
    res = group_breakdown(E, np.zeros(500), w, labels)
    text = np.array([v if isinstance(v, str) else "" for v in labels])
    assert [g.group for g in res] == ["E", "N", "S", "W"]
    for g in res:
        value, z, means = _pseudo(E[text == g.group], w)
        _, z_rest, _ = _pseudo(E[(text != g.group) & (text != "")], w)
        ref = stats.ttest_ind(z, z_rest, equal_var=False)
        assert g.n == z.size and g.csi == pytest.approx(value, abs=1e-9)
        np.testing.assert_allclose(g.satisfaction, means, atol=1e-9)
        assert g.t == pytest.approx(ref.statistic, rel=1e-9) and g.df == pytest.approx(ref.df, rel=1e-9)
        assert g.p_value == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-15)
        assert g.se == pytest.approx(z.std(ddof=1) / np.sqrt(z.size), rel=1e-9)
