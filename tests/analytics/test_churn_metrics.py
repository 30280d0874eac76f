"""Churn metrics: AUC, Brier, calibration and lift against hand counts and scikit-learn side by side."""

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from cxm.analytics.churn import auc_score, brier_score, calibration_table, top_decile_lift

# six customers; positives score 0.9, 0.7, 0.3 and negatives 0.8, 0.3, 0.1 (one tie across classes)
Y = np.array([1, 0, 1, 0, 1, 0])
P = np.array([0.9, 0.8, 0.7, 0.3, 0.3, 0.1])


def test_auc_equals_the_hand_counted_mann_whitney_share_of_pairs():
    # pairs (pos, neg) won: 0.9 beats 3; 0.7 beats 0.3 and 0.1; 0.3 beats 0.1 and ties 0.3 (1/2) -> 6.5 of 9
    assert auc_score(Y, P) == pytest.approx(6.5 / 9, abs=1e-12)


def test_auc_agrees_with_sklearn_roc_auc_score_on_random_scores_with_ties():
    rng = np.random.default_rng(1)
    y = rng.random(2_000) < 0.3
    p = np.round(rng.random(2_000) * 0.5 + 0.3 * y, 2)  # rounding makes many ties
    assert auc_score(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)


def test_auc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        auc_score([1, 1, 1], [0.1, 0.2, 0.3])


def test_brier_score_equals_the_hand_sum_and_sklearn():
    hand = (0.1**2 + 0.8**2 + 0.3**2 + 0.3**2 + 0.7**2 + 0.1**2) / 6  # = 1.33 / 6
    assert brier_score(Y, P) == pytest.approx(hand, abs=1e-12)
    assert brier_score(Y, P) == pytest.approx(brier_score_loss(Y, P), abs=1e-12)


def test_calibration_table_cuts_equal_count_bins_by_predicted_probability():
    # sorted p: 0.1 (y0), 0.3 (y0, the earlier row), 0.3 (y1), 0.7 (y1), 0.8 (y0), 0.9 (y1)
    bins = calibration_table(Y, P, bins=3)
    assert [(b.bin, b.n) for b in bins] == [(1, 2), (2, 2), (3, 2)]
    assert [b.mean_predicted for b in bins] == pytest.approx([0.2, 0.5, 0.85])
    assert [b.observed_rate for b in bins] == pytest.approx([0.0, 1.0, 0.5])
    assert (bins[2].min_predicted, bins[2].max_predicted) == (0.8, 0.9)


def test_calibration_deciles_agree_with_pandas_qcut_on_distinct_scores():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    p = rng.random(1_000)
    y = rng.random(1_000) < p
    ours = calibration_table(y, p, bins=10)
    ref = pd.DataFrame({"y": y, "p": p, "q": pd.qcut(p, 10, labels=False)}).groupby("q").agg(
        n=("y", "size"), mp=("p", "mean"), obs=("y", "mean"))
    assert [b.n for b in ours] == ref["n"].tolist()
    assert [b.mean_predicted for b in ours] == pytest.approx(ref["mp"].tolist())
    assert [b.observed_rate for b in ours] == pytest.approx(ref["obs"].tolist())


def test_top_decile_lift_is_the_top_tenth_churn_rate_over_the_base_rate():
    # 20 customers, 5 churned (base 0.25); the two highest scores are both churned -> 1.0 / 0.25
    p = np.linspace(0.0, 1.0, 20)
    y = np.zeros(20, dtype=bool)
    y[[18, 19, 3, 7, 11]] = True
    assert top_decile_lift(y, p) == pytest.approx(4.0)
    assert top_decile_lift(y, p[::-1]) == pytest.approx(0.0)  # the two lowest-risk are not churned
