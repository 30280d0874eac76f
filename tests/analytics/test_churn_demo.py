"""The churn classifier on the demo company (generated in memory, no database)."""

import polars as pl
import pytest

from cxm.analytics.churn import churn_scores, holdout_validate
from cxm.demo import truth
from cxm.demo.generator import DemoSpec, generate

# the demo window ends on 2026-10-31: t0 + 2 x 90 days fits
T0, H = "2026-05-04", 90


@pytest.fixture(scope="module")
def demo():
    return generate(DemoSpec(seed=42, n_customers=5_000))


@pytest.mark.parametrize("model", ["logistic", "gbm"])
def test_classifier_beats_chance_clearly_on_the_time_holdout(demo, model):
    res = holdout_validate(demo.transactions, customer="customer_idx", date="occurred_on", amount="amount",
                           cutoff=T0, horizon_days=H, model=model)
    assert res.n_train > 3_000 and res.n_test > res.n_train  # customers keep joining
    assert res.auc > 0.8
    assert res.top_decile_lift > 1.3
    # calibrated in the large, and deciles ordered from low to high risk
    mean_predicted = sum(b.n * b.mean_predicted for b in res.calibration) / res.n_test
    assert mean_predicted == pytest.approx(res.test_churn_rate, abs=0.05)
    assert res.calibration[0].observed_rate < 0.15 < 0.9 < res.calibration[-1].observed_rate


def test_the_planted_churn_branch_scores_higher_risk(demo):
    scores = churn_scores(demo.transactions, customer="customer_idx", date="occurred_on", amount="amount",
                          as_of=truth.END, horizon_days=H)
    branch = demo.reference.branches.filter(pl.col("code") == truth.CHURN_BRANCH)["branch_idx"].item()
    j = scores.join(demo.customers.select("customer_idx", "home_branch_idx"), on="customer_idx")
    risk = j.group_by(pl.col("home_branch_idx") == branch).agg(pl.col("churn_probability").mean())
    by = dict(risk.rows())
    assert by[True] > by[False] + 0.05
